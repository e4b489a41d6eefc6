import { describe, expect, it } from 'vitest';
import { scanArgs, scanCommand } from '../../../../src/bot/commands/scan.js';

const parse = (...tokens: string[]) => scanArgs.safeParse({ tokens, text: tokens.join(' ') });
const ALL = ['donchian', 'turtle_soup'];

describe('/scan [us|kr] [all|strategy]', () => {
  it('no word: every market with bars, all strategies (as before)', () => {
    expect(parse()).toMatchObject({ success: true, data: { market: null, strategies: ALL } });
    expect(parse('all')).toMatchObject({ success: true, data: { market: null, strategies: ALL } });
    expect(parse('donchian')).toMatchObject({ success: true, data: { market: null, strategies: ['donchian'] } });
  });

  it('a market word, alone or before the strategy, in any case', () => {
    expect(parse('kr')).toMatchObject({ success: true, data: { market: 'KR', strategies: ALL } });
    expect(parse('US')).toMatchObject({ success: true, data: { market: 'US', strategies: ALL } });
    expect(parse('Kr', 'turtle_soup')).toMatchObject({ success: true, data: { market: 'KR', strategies: ['turtle_soup'] } });
    expect(parse('us', 'all')).toMatchObject({ success: true, data: { market: 'US', strategies: ALL } });
  });

  it('a bad market word says the fix', () => {
    const bad = parse('jp', 'donchian');
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toBe('market must be us or kr, not "jp"; put it first, e.g. /scan kr donchian');
    const swapped = parse('donchian', 'kr');
    expect(swapped.error!.issues[0]!.message).toBe('market must be us or kr, not "donchian"; put it first, e.g. /scan kr donchian');
    const lone = parse('korea');
    expect(lone.error!.issues[0]!.message).toBe('"korea" is neither a market (us, kr) nor a strategy (all, donchian, turtle_soup); e.g. /scan kr or /scan donchian');
    expect(parse('kr', 'donchian', 'x').error!.issues[0]!.message).toMatch(/^takes at most two arguments: the market, then the strategy/);
    expect(parse('kr', 'breakout').success).toBe(false);
  });

  it('usage names the market word', () => {
    expect(scanCommand.usage).toBe('/scan [us|kr] [all|donchian|turtle_soup]');
  });
});

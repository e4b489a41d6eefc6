import { describe, expect, it } from 'vitest';
import { backtestCommand, parseBacktestTokens } from '../../../../src/bot/commands/backtest.js';

describe('/backtest arguments', () => {
  it('parses strategy, symbols, dates and params in any order', () => {
    const r = parseBacktestTokens(['donchian', 'spy', 'GL,rvlv', '2020-01-01', 'lookback=20', '2024-12-31']);
    expect(r.strategies.map((s) => s.id)).toEqual(['donchian']);
    expect(r.strategies[0]!.params.lookback).toBe(20);
    expect(r.universe).toEqual({ kind: 'symbols', symbols: ['GL', 'RVLV', 'SPY'] });
    expect([r.from, r.to]).toEqual(['2020-01-01', '2024-12-31']);
  });

  it('defaults to the universe; "universe" says so explicitly', () => {
    expect(parseBacktestTokens(['all']).universe).toEqual({ kind: 'universe', name: 'default' });
    expect(parseBacktestTokens(['turtle_soup', 'universe', '2021-01-01']).universe).toEqual({ kind: 'universe', name: 'default' });
  });

  it.each([
    [[], /needs a strategy/],
    [['macd'], /unknown strategy/],
    [['donchian', '2020-13-01'], /not a valid YYYY-MM-DD/],
    [['donchian', '2020/01/01'], /not a YYYY-MM-DD date/],
    [['donchian', '2020-01-01', '2021-01-01', '2022-01-01'], /at most two dates/],
    [['donchian', '2022-01-01', '2021-01-01'], /after/],
    [['donchian', 'SPY', 'universe'], /either symbols or "universe"/],
    [['all', 'lookback=20'], /strategy\.key=value/],
    [['donchian', 'lookback=abc'], /lookback/],
    [['donchian', 'SP Y!'], /not a ticker/],
  ])('%j → %s', (tokens, msg) => {
    expect(() => parseBacktestTokens(tokens)).toThrow(msg);
  });

  it('the zod args report problems as issues (the bot prints them under the usage line)', () => {
    const bad = backtestCommand.args.safeParse({ tokens: ['donchian', 'sizing=1'], text: 'donchian sizing=1' });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(bad.error.issues[0]!.message).toMatch(/unknown parameter 'sizing'/);
    const ok = backtestCommand.args.safeParse({ tokens: ['donchian', 'SPY'], text: 'donchian SPY' });
    expect(ok.success).toBe(true);
    expect(backtestCommand.usage).toMatch(/^\/backtest <donchian\|turtle_soup\|all>/);
    expect(backtestCommand.name).toBe('backtest');
  });
});

/**
 * Issue 15, item 6: /pnl with two markets renders one message with the per-market text as the
 * caption of the first market's equity chart, then the other market's chart under its own title.
 */
import { describe, expect, it } from 'vitest';
import { portfolioRenderers } from '../../../../src/bot/render/portfolio.js';
import type { RenderContext } from '../../../../src/bot/render/types.js';
import type { Formatted } from '../../../../src/bot/format/message.js';
import type { NotifyOp } from '../../../../src/jobs/payloads/common.js';
import type { MarketPnl } from '../../../../src/trading/portfolio/types.js';
import { pnl } from '../views/fixtures.js';

function context(): RenderContext & { drawn: string[]; captions: string[] } {
  const drawn: string[] = [];
  const captions: string[] = [];
  return {
    drawn,
    captions,
    charts: {
      name: 'fake',
      render: async (spec) => {
        drawn.push(spec.title ?? '');
        return Buffer.from('png');
      },
    },
    photoOp: async (_png, caption) => {
      captions.push(typeof caption === 'string' ? caption : ((caption as Formatted | undefined)?.text ?? ''));
      return { kind: 'text', text: 'photo' } as NotifyOp;
    },
    callbackKey: Buffer.from('k'),
    now: () => 0,
    log: { warn: () => undefined },
  };
}

const base = pnl();
const us: MarketPnl = { market: 'US', currency: 'USD', range: base.range, realized: base.realized, unrealized: base.unrealized, equity: base.equity };
const kr: MarketPnl = {
  ...us,
  market: 'KR',
  currency: 'KRW',
  realized: { total: 2_100, trades: 1, wins: 1, losses: 0 },
  equity: {
    points: [
      { date: '2025-01-03', equity: 10_000_000, live: false },
      { date: '2025-01-10', equity: 10_050_000, live: false },
    ],
    change: 50_000,
    since: '2025-01-03',
  },
};

describe('portfolio.pnl with two markets', () => {
  it('the text rides on the first chart; each market’s curve is drawn on its own', async () => {
    const ctx = context();
    const out = await portfolioRenderers['portfolio.pnl']({ kind: 'portfolio.pnl', report: { ...base, markets: [us, kr] } }, ctx);
    expect(ctx.drawn).toEqual(['🇺🇸 US equity ($) · last 5 sessions (last point live)', '🇰🇷 KR equity (₩) · last 5 sessions']);
    expect(out.ops).toHaveLength(2);
    expect(ctx.captions[0]).toContain('🇰🇷 KR (KRX, ₩)');
    expect(ctx.captions[0]).toContain('Realized +₩2,100');
    expect(ctx.captions[1]).toBe('🇰🇷 KR equity (₩) · last 5 sessions');
  });

  it('only US: one chart with the text, as before', async () => {
    const ctx = context();
    const out = await portfolioRenderers['portfolio.pnl']({ kind: 'portfolio.pnl', report: base }, ctx);
    expect(ctx.drawn).toEqual(['Equity · last 5 sessions (last point live)']);
    expect(out.ops).toHaveLength(1);
  });
});

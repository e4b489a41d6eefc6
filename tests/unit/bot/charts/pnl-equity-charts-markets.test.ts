/**
 * Issue 15, item 6: /pnl's equity curve per market. A report without markets draws the US curve as
 * before; with markets, each market with two points or more gets its own chart in its currency, so
 * won and dollars never share an axis.
 */
import { describe, expect, it } from 'vitest';
import { validateSpec } from '../../../../src/adapters/charts/validate.js';
import { pnlEquityChart, pnlEquityCharts } from '../../../../src/bot/charts/portfolio-charts.js';
import type { MarketPnl } from '../../../../src/trading/portfolio/types.js';
import { pnl } from '../views/fixtures.js';

const base = pnl();
const us: MarketPnl = { market: 'US', currency: 'USD', range: base.range, realized: base.realized, unrealized: base.unrealized, equity: base.equity };
const kr: MarketPnl = {
  ...us,
  market: 'KR',
  currency: 'KRW',
  range: { ...base.range, from: '2025-01-06', to: '2025-01-10', baseline: '2025-01-03' },
  equity: {
    points: [
      { date: '2025-01-03', equity: 10_000_000, live: false },
      { date: '2025-01-10', equity: 10_050_000, live: false },
    ],
    change: 50_000,
    since: '2025-01-03',
  },
};

describe('pnlEquityCharts', () => {
  it('without markets: the one US chart, as before', () => {
    expect(pnlEquityCharts(base)).toEqual([pnlEquityChart(base)]);
  });

  it('with two markets: a chart per market, titled with its market and currency', () => {
    const specs = pnlEquityCharts({ ...base, markets: [us, kr] });
    expect(specs.map((s) => s.title)).toEqual(['🇺🇸 US equity ($) · last 5 sessions (last point live)', '🇰🇷 KR equity (₩) · last 5 sessions']);
    expect(Array.from(specs[1]!.series[0]!.values)).toEqual([10_000_000, 10_050_000]);
    expect(specs[1]!.labels).toEqual(['2025-01-03', '2025-01-10']);
    for (const s of specs) expect(() => validateSpec(s)).not.toThrow();
  });

  it('a market with fewer than two points has no chart; a KR-only report draws KR’s', () => {
    const flat = { ...kr, equity: { points: [{ date: '2025-01-10', equity: 1, live: true }], change: null, since: '2025-01-10' } };
    expect(pnlEquityCharts({ ...base, markets: [us, flat] }).map((s) => s.title)).toEqual(['🇺🇸 US equity ($) · last 5 sessions (last point live)']);
    expect(pnlEquityCharts({ ...base, markets: [kr] }).map((s) => s.title)).toEqual(['🇰🇷 KR equity (₩) · last 5 sessions']);
  });
});

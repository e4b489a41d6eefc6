import type { BarChartSpec, CandleChartSpec, LineChartSpec, PriceLevel } from '../../adapters/charts/port.js';
import { isKrxCode } from '../../engine/market/symbols.js';
import { equityChartSpec } from './specs.js';
import type { OrderSummary } from '../../trading/execution/execute.js';
import { price } from '../format/display.js';
import { amountsOfSymbol } from '../format/market-amounts.js';
import type { FillContext } from '../../trading/portfolio/fill-context.js';
import type { MarketPnl, PnlReport, PositionsSnapshot } from '../../trading/portfolio/types.js';
import { MARKETS } from '../../engine/market/markets.js';

/** Period names as chart titles say them. */
export const PERIOD_TITLES = { day: 'today', week: 'last 5 sessions', month: 'last 21 sessions' } as const;

/**
 * Unrealized P&L per open position as horizontal green/red bars, in the
 * snapshot's order (biggest swing first, at the top). Null when no position
 * has a price: an empty chart says nothing.
 */
export function positionsPnlChart(s: PositionsSnapshot): BarChartSpec | null {
  // One currency per chart: the dollar book (US) when it holds anything, else the won book (KR).
  const market = s.positions.some((p) => (p.market ?? 'US') === 'US') ? 'US' : 'KR';
  const priced = s.positions.filter((p) => p.unrealizedPnl !== null && (p.market ?? 'US') === market);
  if (priced.length === 0) return null;
  // A symbol held by two strategies would show two identical labels; name the strategy then.
  const dup = new Set(priced.map((p) => p.symbol).filter((sym, i, all) => all.indexOf(sym) !== i));
  return {
    kind: 'bars',
    title: market === 'US' ? `Unrealized P&L by position (${priced.length})` : `KR unrealized P&L by position (${priced.length}, ₩)`,
    labels: priced.map((p) => (dup.has(p.symbol) ? `${p.symbol} (${p.strategy})` : p.symbol)),
    values: priced.map((p) => (market === 'US' ? Math.round(p.unrealizedPnl! * 100) / 100 : Math.round(p.unrealizedPnl!))),
    valueLabel: market === 'US' ? 'P&L $' : 'P&L ₩',
    horizontal: true,
    width: 800,
    // One bar row per position, so a long book stays readable.
    height: Math.min(2000, Math.max(300, 120 + 36 * priced.length)),
  };
}

/** Equity over the period with the drawdown panel; null with fewer than two points (no line to draw). */
export function pnlEquityChart(r: PnlReport): LineChartSpec | null {
  const pts = r.equity.points;
  if (pts.length < 2) return null;
  const live = pts.at(-1)?.live ? ' (last point live)' : '';
  return {
    ...equityChartSpec({
      title: `Equity · ${PERIOD_TITLES[r.range.period]}${live}`,
      dates: pts.map((p) => p.date),
      equity: pts.map((p) => p.equity),
    }),
    width: 800,
    height: 450,
  };
}

const FLAG = { US: '🇺🇸', KR: '🇰🇷' } as const;
const SIGN = { USD: '$', KRW: '₩' } as const;

/**
 * /pnl's equity charts: a report without markets draws the US curve as
 * {@link pnlEquityChart} always did; with markets, each market with two points
 * or more gets its own chart, titled with its market and currency, so won and
 * dollars never share an axis.
 */
export function pnlEquityCharts(r: PnlReport): LineChartSpec[] {
  if (!r.markets) {
    const one = pnlEquityChart(r);
    return one ? [one] : [];
  }
  return r.markets.flatMap((b) => {
    const spec = marketEquityChart(b);
    return spec ? [spec] : [];
  });
}

function marketEquityChart(b: MarketPnl): LineChartSpec | null {
  const pts = b.equity.points;
  if (pts.length < 2) return null;
  const live = pts.at(-1)?.live ? ' (last point live)' : '';
  return {
    ...equityChartSpec({
      title: `${FLAG[b.market]} ${b.market} equity (${SIGN[MARKETS[b.market].currency]}) · ${PERIOD_TITLES[b.range.period]}${live}`,
      dates: pts.map((p) => p.date),
      equity: pts.map((p) => p.equity),
    }),
    width: 800,
    height: 450,
  };
}

/**
 * Recent daily candles with the fill price and the stop, for a
 * fill confirmation. Null without candles or without a fill.
 */
export function fillChart(o: OrderSummary, ctx: FillContext): CandleChartSpec | null {
  if (ctx.candles.length === 0 || o.avgFillPrice === null || o.filledQty <= 0) return null;
  // Whole won for a KRX code, dollars as before for US.
  const { price } = amountsOfSymbol(o.symbol);
  // No limit line: it sits within cents of the fill, and the two labels would overlap; the caption has it.
  const levels: PriceLevel[] = [{ role: 'entry', price: o.avgFillPrice, label: `Filled ${price(o.avgFillPrice)}` }];
  if (ctx.stop !== null && Number.isFinite(ctx.stop)) levels.push({ role: 'stop', price: ctx.stop, ...(isKrxCode(o.symbol) ? { label: `Stop ${price(ctx.stop)}` } : {}) });
  return {
    kind: 'candles',
    title: `${o.symbol} · ${o.side === 'buy' ? 'bought' : 'sold'} ${o.filledQty} @ ${price(o.avgFillPrice)}`,
    bars: ctx.candles,
    levels,
    width: 700,
    height: 400,
    ...(ctx.demo ? { watermark: 'DEMO' } : {}),
  };
}

import type { BarSeries } from '../bars.js';
import { buyAndHold } from './benchmark.js';
import { buildCalendar } from './calendar.js';
import { collectCandidates } from './candidates.js';
import { computeMetrics } from './metrics.js';
import { resolveSettings } from './portfolio-options.js';
import type { PortfolioOptions, PortfolioResult, SkippedSignal, StrategyResult } from './portfolio-types.js';
import { simulatePortfolio } from './simulate.js';
import { SkipLog } from './skip-log.js';

/**
 * Event-driven long-only portfolio backtest over many symbols and strategies.
 *
 * For each date of the union calendar, in order:
 * 1. entries at the open for signals from each symbol's previous bar, in rank
 *    order (score desc, symbol asc, strategy asc), sized from the previous
 *    close's equity; a signal that does not fit is logged in `skipped`;
 * 2. exits for every open position with a bar today (including today's
 *    entries) by the single-trade rules (exitCodeAt in exit-rules.ts; the loop is simulatePortfolio in simulate.ts);
 * 3. mark to market: equity = cash + Σ qty·close (last close for symbols with no bar today).
 * A signal at bar t is only taken when its symbol+strategy holds nothing at the
 * close of t; a position that exited on bar t counts as closed.
 *
 * Entry checks, in order: already_in_position, gap_below_stop, max_positions,
 * qty_below_one, max_position_pct, insufficient_cash. Oversized entries are
 * skipped, not shrunk. The exit commission is capped at the sale proceeds so
 * cash can never go negative. Positions still open on a symbol's last bar in
 * range exit there (end_of_data), so every position is closed at the end.
 *
 * Deterministic and independent of the order of `series` and of the signals.
 *
 * @throws RangeError on duplicate symbols or an empty date range
 */
export function runPortfolio(opts: PortfolioOptions): PortfolioResult {
  const cfg = resolveSettings(opts);
  const series = [...opts.series].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const symIndex = new Map<string, number>();
  for (let k = 0; k < series.length; k++) {
    const sym = series[k]!.symbol;
    if (symIndex.has(sym)) throw new RangeError(`duplicate series for ${sym}`);
    symIndex.set(sym, k);
  }
  const cal = buildCalendar(series, cfg.startDate, cfg.endDate);
  const days = cal.dates.length;
  if (days === 0) throw new RangeError('no bars in the backtest range');

  const cand = collectCandidates(series, symIndex, opts.signals, cal);
  const { strategies } = cand;
  const skips = new SkipLog();
  const sim = simulatePortfolio(
    cfg,
    { series, barDay: cal.barDay, lastBar: cal.lastBar, dayOffset: 0, days },
    cand,
    0,
    cand.sym.length,
    null,
    0,
    Math.max(strategies.length, 1),
    strategies.length,
    skips,
  );
  const { equity, exposure } = sim;
  const tradeList = sim.trades;
  const allSkipped = mergeSkips(cand.preSkipped, skips.toRecords(cand, series, cal.dates));

  const strategyResults: StrategyResult[] = strategies.map((id, k) => {
    const own = tradeList.filter((t) => t.strategy === id);
    return {
      strategy: id,
      equity: sim.stratEquity[k]!,
      exposure: sim.stratExposure[k]!,
      metrics: computeMetrics({ dates: cal.dates, equity: sim.stratEquity[k]!, trades: own, exposure: sim.stratExposure[k]! }),
    };
  });

  let benchmark: PortfolioResult['benchmark'] = null;
  if (opts.benchmark !== undefined) {
    const be = buyAndHold(opts.benchmark, cal.dates, cfg.initialCash);
    benchmark = { symbol: opts.benchmark.symbol, equity: be, metrics: computeMetrics({ dates: cal.dates, equity: be }) };
  }

  return {
    dates: cal.dates,
    initialCash: cfg.initialCash,
    equity,
    cash: sim.cash,
    exposure,
    openPositions: sim.openPositions,
    trades: tradeList,
    skipped: allSkipped,
    metrics: computeMetrics({ dates: cal.dates, equity, trades: tradeList, exposure }),
    strategies: strategyResults,
    benchmark,
  };
}

/** Both lists are date-ordered; a stable merge keeps each list's internal order. */
function mergeSkips(a: SkippedSignal[], b: SkippedSignal[]): SkippedSignal[] {
  if (a.length === 0) return b;
  const out = new Array<SkippedSignal>(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let o = 0; o < out.length; o++) {
    out[o] = j >= b.length || (i < a.length && a[i]!.date <= b[j]!.date) ? a[i++]! : b[j++]!;
  }
  return out;
}

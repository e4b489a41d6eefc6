import type { BarSeries } from '../bars.js';
import type { Signal } from '../signal.js';
import { buyAndHold } from './benchmark.js';
import { buildCalendar } from './calendar.js';
import { collectCandidates } from './candidates.js';
import { commissionFor } from './commission.js';
import { EXIT_NONE, exitCodeAt, exitPriceOf, exitReasonOf } from './exit-rules.js';
import { buyFill, sellFill } from './fills.js';
import { computeMetrics } from './metrics.js';
import { resolveSettings } from './portfolio-options.js';
import type { PortfolioOptions, PortfolioResult, PortfolioTrade, SkippedSignal, StrategyResult } from './portfolio-types.js';
import { SkipLog } from './skip-log.js';
import { sharesFor } from './sizing.js';

/** Mutable state of one open position; allocated once per trade, never per day. */
interface Position {
  seq: number;
  sym: number;
  strat: number;
  key: number;
  signal: Signal;
  series: BarSeries;
  barDay: Int32Array;
  /** Signal bar. */
  t: number;
  /** Next bar of the symbol to process. */
  cur: number;
  lastBar: number;
  qty: number;
  entryFill: number;
  entryCommission: number;
  /** qty·entryFill + entryCommission: what the entry took out of cash. */
  cost: number;
  stop: number;
  /** NaN when there is no target. */
  target: number;
  timeStopBars: number;
  lastClose: number;
}

/**
 * Event-driven long-only portfolio backtest over many symbols and strategies.
 *
 * For each date of the union calendar, in order:
 * 1. entries at the open for signals from each symbol's previous bar, in rank
 *    order (score desc, symbol asc, strategy asc), sized from the previous
 *    close's equity; a signal that does not fit is logged in `skipped`;
 * 2. exits for every open position with a bar today (including today's
 *    entries) by the single-trade rules ({@link exitCodeAt});
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
  const nCand = cand.signal.length;
  const nStrat = Math.max(strategies.length, 1);
  const held = new Uint8Array(series.length * nStrat);

  const equity = new Float64Array(days);
  const cashSeries = new Float64Array(days);
  const exposure = new Float64Array(days);
  const openCount = new Int32Array(days);
  const stratEquity = strategies.map(() => new Float64Array(days));
  const stratExposure = strategies.map(() => new Float64Array(days));
  const stratRealized = new Float64Array(nStrat);
  const stratMv = new Float64Array(nStrat);
  const stratUnrealized = new Float64Array(nStrat);

  const bps = cfg.slippageBps;
  const open: Position[] = [];
  const trades: { seq: number; trade: PortfolioTrade }[] = [];
  const skips = new SkipLog();
  let cash = cfg.initialCash;
  let prevEquity = cfg.initialCash;
  let seq = 0;
  let p = 0;

  for (let d = 0; d < days; d++) {
    // (1) entries at the open
    while (p < nCand && cand.entryDay[p] === d) {
      const j = p++;
      const k = cand.sym[j]!;
      const cs = cand.strat[j]!;
      const key = k * nStrat + cs;
      if (held[key] === 1) {
        skips.add(j, d, 'already_in_position');
        continue;
      }
      const rawOpen = cand.entryOpen[j]!;
      const stop = cand.stop[j]!;
      if (rawOpen <= stop) {
        skips.add(j, d, 'gap_below_stop');
        continue;
      }
      if (open.length >= cfg.maxPositions) {
        skips.add(j, d, 'max_positions');
        continue;
      }
      const fill = buyFill(rawOpen, bps);
      const qty = sharesFor(cfg.sizing, prevEquity, fill, stop);
      if (!(qty >= 1)) {
        skips.add(j, d, 'qty_below_one');
        continue;
      }
      if (qty * fill > cfg.maxPositionPct * prevEquity) {
        skips.add(j, d, 'max_position_pct');
        continue;
      }
      const comm = commissionFor(cfg.commission, qty, fill);
      const cost = qty * fill + comm;
      if (cost > cash) {
        skips.add(j, d, 'insufficient_cash');
        continue;
      }
      cash -= cost;
      held[key] = 1;
      const sig = cand.signal[j]!;
      const s = series[k]!;
      const i = cand.t[j]! + 1;
      open.push({
        seq: seq++,
        sym: k,
        strat: cs,
        key,
        signal: sig,
        series: s,
        barDay: cal.barDay[k]!,
        t: i - 1,
        cur: i,
        lastBar: cal.lastBar[k]!,
        qty,
        entryFill: fill,
        entryCommission: comm,
        cost,
        stop,
        target: sig.target ?? Number.NaN,
        timeStopBars: sig.timeStopBars,
        lastClose: s.close[i]!,
      });
    }

    // (2) exits and (3) mark to market in one pass over open positions
    let mv = 0;
    stratMv.fill(0);
    stratUnrealized.fill(0);
    for (let j = 0; j < open.length; ) {
      const pos = open[j]!;
      const i = pos.cur;
      if (pos.barDay[i] === d) {
        const code = exitCodeAt(pos.series, i, i - pos.t, pos.stop, pos.target, pos.timeStopBars, pos.lastBar);
        if (code !== EXIT_NONE) {
          const fill = sellFill(exitPriceOf(code, pos.series, i, pos.stop, pos.target), bps);
          const proceeds = pos.qty * fill;
          const comm = Math.min(commissionFor(cfg.commission, pos.qty, fill), proceeds);
          cash += proceeds - comm;
          const pnl = proceeds - comm - pos.cost;
          stratRealized[pos.strat] = stratRealized[pos.strat]! + pnl;
          held[pos.key] = 0;
          trades.push({ seq: pos.seq, trade: toTrade(pos, i, fill, comm, pnl, exitReasonOf(code)) });
          // swap-remove: order of open positions only affects summation order, which stays deterministic
          open[j] = open[open.length - 1]!;
          open.pop();
          continue;
        }
        pos.lastClose = pos.series.close[i]!;
        pos.cur = i + 1;
      }
      const value = pos.qty * pos.lastClose;
      mv += value;
      stratMv[pos.strat] = stratMv[pos.strat]! + value;
      stratUnrealized[pos.strat] = stratUnrealized[pos.strat]! + value - pos.cost;
      j++;
    }

    const eq = cash + mv;
    equity[d] = eq;
    cashSeries[d] = cash;
    exposure[d] = eq > 0 ? mv / eq : 0;
    openCount[d] = open.length;
    for (let k = 0; k < strategies.length; k++) {
      const se = cfg.initialCash + stratRealized[k]! + stratUnrealized[k]!;
      stratEquity[k]![d] = se;
      stratExposure[k]![d] = se > 0 ? stratMv[k]! / se : 0;
    }
    prevEquity = eq;
  }

  trades.sort((a, b) => a.seq - b.seq);
  const tradeList = trades.map((x) => x.trade);
  const allSkipped = mergeSkips(cand.preSkipped, skips.toRecords(cand, series, cal.dates));

  const strategyResults: StrategyResult[] = strategies.map((id, k) => {
    const own = tradeList.filter((t) => t.strategy === id);
    return {
      strategy: id,
      equity: stratEquity[k]!,
      exposure: stratExposure[k]!,
      metrics: computeMetrics({ dates: cal.dates, equity: stratEquity[k]!, trades: own, exposure: stratExposure[k]! }),
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
    cash: cashSeries,
    exposure,
    openPositions: openCount,
    trades: tradeList,
    skipped: allSkipped,
    metrics: computeMetrics({ dates: cal.dates, equity, trades: tradeList, exposure }),
    strategies: strategyResults,
    benchmark,
  };
}

function toTrade(pos: Position, i: number, exitFill: number, exitComm: number, pnl: number, reason: PortfolioTrade['exitReason']): PortfolioTrade {
  const s = pos.series;
  const sig = pos.signal;
  return {
    symbol: s.symbol,
    strategy: sig.strategy,
    signalDate: s.dates[pos.t]!,
    entryDate: s.dates[pos.t + 1]!,
    entryPrice: pos.entryFill,
    exitDate: s.dates[i]!,
    exitPrice: exitFill,
    qty: pos.qty,
    pnl,
    pnlPct: pnl / (pos.qty * pos.entryFill),
    barsHeld: i - pos.t,
    exitReason: reason,
    commission: pos.entryCommission + exitComm,
    entryCommission: pos.entryCommission,
    exitCommission: exitComm,
    stop: sig.stop,
    target: sig.target,
    score: sig.score,
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

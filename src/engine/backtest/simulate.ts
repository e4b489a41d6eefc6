import type { BarSeries } from '../bars.js';
import type { SignalSourceId } from '../signal.js';
import { commissionFor } from './commission.js';
import { EXIT_NONE, exitCodeAt, exitPriceOf, exitReasonOf } from './exit-rules.js';
import { buyFill, sellFill } from './fills.js';
import type { ResolvedSettings } from './portfolio-options.js';
import type { PortfolioTrade } from './portfolio-types.js';
import type { SkipLog } from './skip-log.js';
import { sharesFor } from './sizing.js';

/**
 * The candidate columns the daily loop reads, in processing order (entry day
 * asc, then rank). `entryDay` is in the universe's day frame (simulated day
 * d is universe day d + dayOffset).
 */
export interface SimCandidates {
  /** Strategy ids; `strat` indexes this. */
  strategies: readonly SignalSourceId[];
  sym: Int32Array;
  strat: Int32Array;
  t: Int32Array;
  entryDay: Int32Array;
  entryOpen: Float64Array;
  /** The signal's stop. */
  stop: Float64Array;
  /** The signal's target when `hasTarget` is 1 (NaN otherwise: no target exit). */
  target: Float64Array;
  hasTarget: Uint8Array;
  timeStopBars: Float64Array;
  /** The signal's score as given (NaN kept). */
  score: Float64Array;
}

/**
 * Where the simulation runs: the symbol-sorted series, each bar's calendar
 * day (`barDay[k][i] - dayOffset` is the simulated day of bar i, so one
 * universe-wide mapping serves every window of a walk-forward) and each
 * series' last bar inside the range.
 */
export interface SimUniverse {
  series: readonly BarSeries[];
  barDay: readonly Int32Array[];
  lastBar: Int32Array;
  dayOffset: number;
  days: number;
}

/** What the daily loop produced; per-strategy arrays are empty unless asked for. */
export interface SimOutput {
  equity: Float64Array;
  cash: Float64Array;
  exposure: Float64Array;
  openPositions: Int32Array;
  /** In entry order. */
  trades: PortfolioTrade[];
  stratEquity: Float64Array[];
  stratExposure: Float64Array[];
}

/** Mutable state of one open position; allocated once per trade, never per day. */
interface Position {
  seq: number;
  strat: number;
  key: number;
  /** Candidate slot, for the signal's fields in the trade. */
  slot: number;
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
 * The portfolio's daily loop (see runPortfolio for the rules), shared by
 * runPortfolio and the walk-forward kernel so both compute every float in
 * the same order.
 *
 * @param from first candidate to simulate (its entry day is the first simulated day or later)
 * @param to end (exclusive) of the candidates to simulate
 * @param signalDay with `minSignalDay`: candidates signalled before that universe day are passed over
 *   (a window's signals are those dated inside it); null to take every candidate
 * @param nStrat strategy count for the position key (≥ 1)
 * @param perStrategy how many strategies get their own equity/exposure series (0 = none)
 * @param skips where skip decisions go; null when nobody reads them
 */
export function simulatePortfolio(
  cfg: ResolvedSettings,
  uni: SimUniverse,
  cand: SimCandidates,
  from: number,
  to: number,
  signalDay: Int32Array | null,
  minSignalDay: number,
  nStrat: number,
  perStrategy: number,
  skips: SkipLog | null,
): SimOutput {
  const { series, days, dayOffset } = uni;
  const held = new Uint8Array(series.length * nStrat);
  const equity = new Float64Array(days);
  const cashSeries = new Float64Array(days);
  const exposure = new Float64Array(days);
  const openCount = new Int32Array(days);
  const stratEquity: Float64Array[] = [];
  const stratExposure: Float64Array[] = [];
  for (let k = 0; k < perStrategy; k++) {
    stratEquity.push(new Float64Array(days));
    stratExposure.push(new Float64Array(days));
  }
  const stratRealized = new Float64Array(nStrat);
  const stratMv = new Float64Array(nStrat);
  const stratUnrealized = new Float64Array(nStrat);

  const bps = cfg.slippageBps;
  const onTick = cfg.onTick;
  const onFee = cfg.onFee;
  const open: Position[] = [];
  const trades: { seq: number; trade: PortfolioTrade }[] = [];
  let cash = cfg.initialCash;
  let prevEquity = cfg.initialCash;
  let seq = 0;
  let p = from;

  for (let d = 0; d < days; d++) {
    const today = d + dayOffset;
    // (1) entries at the open
    while (p < to && cand.entryDay[p] === today) {
      const j = p++;
      if (signalDay !== null && signalDay[j]! < minSignalDay) continue;
      const k = cand.sym[j]!;
      const cs = cand.strat[j]!;
      const key = k * nStrat + cs;
      if (held[key] === 1) {
        skips?.add(j, d, 'already_in_position');
        continue;
      }
      const rawOpen = cand.entryOpen[j]!;
      const stop = cand.stop[j]!;
      if (rawOpen <= stop) {
        skips?.add(j, d, 'gap_below_stop');
        continue;
      }
      if (open.length >= cfg.maxPositions) {
        skips?.add(j, d, 'max_positions');
        continue;
      }
      const s = series[k]!;
      const i = cand.t[j]! + 1;
      const fill = onTick === null ? buyFill(rawOpen, bps) : onTick(buyFill(rawOpen, bps), s.dates[i]!, 'buy');
      const qty = sharesFor(cfg.sizing, prevEquity, fill, stop);
      if (!(qty >= 1)) {
        skips?.add(j, d, 'qty_below_one');
        continue;
      }
      if (qty * fill > cfg.maxPositionPct * prevEquity) {
        skips?.add(j, d, 'max_position_pct');
        continue;
      }
      const comm = onFee === null ? commissionFor(cfg.commission, qty, fill) : onFee(commissionFor(cfg.commission, qty, fill));
      const cost = qty * fill + comm;
      if (cost > cash) {
        skips?.add(j, d, 'insufficient_cash');
        continue;
      }
      cash -= cost;
      held[key] = 1;
      open.push({
        seq: seq++,
        strat: cs,
        key,
        slot: j,
        series: s,
        barDay: uni.barDay[k]!,
        t: i - 1,
        cur: i,
        lastBar: uni.lastBar[k]!,
        qty,
        entryFill: fill,
        entryCommission: comm,
        cost,
        stop,
        target: cand.hasTarget[j] === 1 ? cand.target[j]! : Number.NaN,
        timeStopBars: cand.timeStopBars[j]!,
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
      if (pos.barDay[i] === today) {
        const code = exitCodeAt(pos.series, i, i - pos.t, pos.stop, pos.target, pos.timeStopBars, pos.lastBar);
        if (code !== EXIT_NONE) {
          const raw = sellFill(exitPriceOf(code, pos.series, i, pos.stop, pos.target), bps);
          const fill = onTick === null ? raw : onTick(raw, pos.series.dates[i]!, 'sell');
          const proceeds = pos.qty * fill;
          const fee = commissionFor(cfg.commission, pos.qty, fill);
          const comm = Math.min(onFee === null ? fee : onFee(fee), proceeds);
          cash += proceeds - comm;
          const pnl = proceeds - comm - pos.cost;
          stratRealized[pos.strat] = stratRealized[pos.strat]! + pnl;
          held[pos.key] = 0;
          trades.push({ seq: pos.seq, trade: toTrade(cand, pos, i, fill, comm, pnl, exitReasonOf(code)) });
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
    for (let k = 0; k < perStrategy; k++) {
      const se = cfg.initialCash + stratRealized[k]! + stratUnrealized[k]!;
      stratEquity[k]![d] = se;
      stratExposure[k]![d] = se > 0 ? stratMv[k]! / se : 0;
    }
    prevEquity = eq;
  }

  trades.sort((a, b) => a.seq - b.seq);
  return {
    equity,
    cash: cashSeries,
    exposure,
    openPositions: openCount,
    trades: trades.map((x) => x.trade),
    stratEquity,
    stratExposure,
  };
}

function toTrade(
  cand: SimCandidates,
  pos: Position,
  i: number,
  exitFill: number,
  exitComm: number,
  pnl: number,
  reason: PortfolioTrade['exitReason'],
): PortfolioTrade {
  const s = pos.series;
  const j = pos.slot;
  return {
    symbol: s.symbol,
    strategy: cand.strategies[cand.strat[j]!]!,
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
    stop: cand.stop[j]!,
    target: cand.hasTarget[j] === 1 ? cand.target[j]! : null,
    score: cand.score[j]!,
  };
}

import type { BarSeries } from '../bars.js';
import type { Signal } from '../signal.js';
import { EXIT_NONE, exitCodeAt, exitPriceOf, exitReasonOf, type ExitReason } from './exit-rules.js';
import { buyFill, sellFill } from './fills.js';
import { signalBarIndex } from './signal-bar.js';

/** Options for {@link simulateTrade}. */
export interface SimulateTradeOptions {
  /** Slippage per side in basis points (default 0: the pure exit rules). */
  slippageBps?: number;
  /**
   * Last bar index the simulation may look at (default: the series' last bar).
   * Lets callers end a trade at a window boundary as if the data stopped there.
   */
  lastIndex?: number;
}

/** Why a signal produced no trade in the single-symbol simulation. */
export type TradeNotTakenReason = 'gap_below_stop' | 'no_next_bar';

/** A completed single-symbol trade. Prices include slippage; `raw*` prices do not. */
export interface SimulatedTrade {
  taken: true;
  signalIndex: number;
  /** Bar 1 of the trade: the bar after the signal. */
  entryIndex: number;
  entryDate: string;
  entryPrice: number;
  rawEntryPrice: number;
  exitIndex: number;
  exitDate: string;
  exitPrice: number;
  rawExitPrice: number;
  exitReason: ExitReason;
  /** Bars in the trade counting the entry bar as 1 (an exit on the entry bar is 1). */
  barsHeld: number;
  /** exitPrice / entryPrice - 1 (per share, before commission). */
  returnPct: number;
}

/** A signal that could not be traded. */
export interface SkippedTrade {
  taken: false;
  signalIndex: number;
  reason: TradeNotTakenReason;
}

/** Outcome of {@link simulateTrade}. */
export type TradeSimulation = SimulatedTrade | SkippedTrade;

/**
 * Simulates one long trade from a signal with the engine's exit rules.
 *
 * Entry is the open of the bar after the signal unless that open is already at
 * or below the stop (`gap_below_stop`). From the entry bar on, each bar checks
 * gap_stop (not on bar 1), stop, target, time stop on bar N, and finally
 * end_of_data on the last bar, in that order; see {@link exitCodeAt}.
 *
 * @throws RangeError when the series is for another symbol or has no bar on the signal's date
 */
export function simulateTrade(series: BarSeries, signal: Signal, opts: SimulateTradeOptions = {}): TradeSimulation {
  if (signal.symbol !== series.symbol) {
    throw new RangeError(`signal for ${signal.symbol} simulated on ${series.symbol}`);
  }
  const t = signalBarIndex(series, signal);
  if (t < 0) throw new RangeError(`${series.symbol} has no bar on signal date ${signal.date}`);
  const bps = opts.slippageBps ?? 0;
  const lastIndex = Math.min(opts.lastIndex ?? series.dates.length - 1, series.dates.length - 1);
  if (t >= lastIndex) return { taken: false, signalIndex: t, reason: 'no_next_bar' };

  const entryIndex = t + 1;
  const rawEntry = series.open[entryIndex]!;
  const stop = signal.stop;
  if (rawEntry <= stop) return { taken: false, signalIndex: t, reason: 'gap_below_stop' };
  const target = signal.target ?? Number.NaN;

  for (let i = entryIndex; i <= lastIndex; i++) {
    const code = exitCodeAt(series, i, i - t, stop, target, signal.timeStopBars, lastIndex);
    if (code === EXIT_NONE) continue;
    const rawExit = exitPriceOf(code, series, i, stop, target);
    const entryPrice = buyFill(rawEntry, bps);
    const exitPrice = sellFill(rawExit, bps);
    return {
      taken: true,
      signalIndex: t,
      entryIndex,
      entryDate: series.dates[entryIndex]!,
      entryPrice,
      rawEntryPrice: rawEntry,
      exitIndex: i,
      exitDate: series.dates[i]!,
      exitPrice,
      rawExitPrice: rawExit,
      exitReason: exitReasonOf(code),
      barsHeld: i - t,
      returnPct: exitPrice / entryPrice - 1,
    };
  }
  // exitCodeAt always exits on lastIndex, so the loop cannot fall through.
  throw new Error('unreachable: no exit by the last bar');
}

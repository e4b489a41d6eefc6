import type { BarSeries } from '../bars.js';

/** Why a simulated trade ended. */
export type ExitReason = 'gap_stop' | 'stop' | 'target' | 'time_stop' | 'end_of_data';

/** Every exit reason, in the order the rules are checked on a bar. */
export const EXIT_REASONS: readonly ExitReason[] = ['gap_stop', 'stop', 'target', 'time_stop', 'end_of_data'];

// Numeric codes keep the portfolio's daily loop free of string work; the
// value minus one indexes EXIT_REASONS.
/** No exit on this bar. */
export const EXIT_NONE = 0;
/** Opened at or below the stop (never on bar 1): fill at the open. */
export const EXIT_GAP_STOP = 1;
/** Traded through the stop intrabar: fill at the stop. */
export const EXIT_STOP = 2;
/** Reached the target: fill at max(open, target). */
export const EXIT_TARGET = 3;
/** Bar N of the time stop: fill at the close. */
export const EXIT_TIME_STOP = 4;
/** Data ran out before any other exit: fill at the last close. */
export const EXIT_END_OF_DATA = 5;

/** Maps an exit code (1..5) to its reason. */
export function exitReasonOf(code: number): ExitReason {
  const reason = EXIT_REASONS[code - 1];
  if (reason === undefined) throw new RangeError(`not an exit code: ${code}`);
  return reason;
}

/**
 * Applies the exit rules to one bar of an open long trade.
 *
 * Order matters and is part of the design: a bar that both trades through the
 * stop and reaches the target is a stop, because daily bars cannot tell which
 * came first and assuming the worst keeps the backtest honest.
 *
 * @param i absolute bar index in `series`
 * @param barInTrade 1 for the entry bar, 2 for the next, ...
 * @param target NaN when the trade has no target (every comparison is false)
 * @param timeStopBars exit at the close of this bar number (never fires if not a positive integer)
 * @param lastIndex the last bar the simulation may see; reaching it without another exit ends the trade
 * @returns one of the EXIT_* codes
 */
export function exitCodeAt(
  series: BarSeries,
  i: number,
  barInTrade: number,
  stop: number,
  target: number,
  timeStopBars: number,
  lastIndex: number,
): number {
  // Bar 1's open is the entry itself, which the caller already checked against the stop.
  if (barInTrade > 1 && series.open[i]! <= stop) return EXIT_GAP_STOP;
  if (series.low[i]! <= stop) return EXIT_STOP;
  if (series.high[i]! >= target) return EXIT_TARGET;
  if (barInTrade === timeStopBars) return EXIT_TIME_STOP;
  if (i === lastIndex) return EXIT_END_OF_DATA;
  return EXIT_NONE;
}

/** The raw (pre-slippage) fill price of an exit decided by {@link exitCodeAt}. */
export function exitPriceOf(code: number, series: BarSeries, i: number, stop: number, target: number): number {
  switch (code) {
    case EXIT_GAP_STOP:
      return series.open[i]!;
    case EXIT_STOP:
      return stop;
    case EXIT_TARGET:
      // A gap above the target fills at the (better) open, not at the target.
      return Math.max(series.open[i]!, target);
    case EXIT_TIME_STOP:
    case EXIT_END_OF_DATA:
      return series.close[i]!;
    default:
      throw new RangeError(`not an exit code: ${code}`);
  }
}

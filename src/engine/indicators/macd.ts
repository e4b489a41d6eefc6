import { emaDiffInto, EmaStream, emaInto } from './ema.js';
import { assertPeriod, newColumn } from './period.js';

/** MACD columns. */
export interface MacdResult {
  /** EMA(fast) - EMA(slow); first value at slow-1. */
  macd: Float64Array;
  /** EMA(signal) of the MACD line, SMA-seeded; first value at slow+signal-2. */
  signal: Float64Array;
  /** macd - signal. */
  histogram: Float64Array;
}

function assertMacd(fast: number, slow: number, signal: number): void {
  assertPeriod('macd fast period', fast);
  assertPeriod('macd slow period', slow);
  assertPeriod('macd signal period', signal);
  if (fast >= slow) throw new RangeError(`macd fast period (${fast}) must be < slow period (${slow})`);
}

/**
 * MACD(fast, slow, signal), default (12, 26, 9), built from {@link ema}: both
 * EMAs are SMA-seeded, so the line starts at slow-1 and the signal EMA is
 * seeded with the mean of the first `signal` MACD values.
 */
export function macd(close: Float64Array, fast = 12, slow = 26, signal = 9): MacdResult {
  assertMacd(fast, slow, signal);
  const len = close.length;
  const line = newColumn(len);
  const sig = newColumn(len);
  const hist = newColumn(len);
  // `hist` holds the fast EMA and `sig` the slow one until their real contents
  // are written; each difference is formed in the pass that makes its EMA.
  emaInto(close, fast, 0, hist);
  emaDiffInto(close, slow, 0, hist, sig, line);
  emaDiffInto(line, signal, slow - 1, line, sig, hist);
  return { macd: line, signal: sig, histogram: hist };
}

/** One bar of MACD output. */
export interface MacdPoint {
  macd: number;
  signal: number;
  histogram: number;
}

/** Incremental MACD; `push(close)` updates and returns `this`. */
export class MacdStream implements MacdPoint {
  macd = Number.NaN;
  signal = Number.NaN;
  histogram = Number.NaN;
  private readonly fastEma: EmaStream;
  private readonly slowEma: EmaStream;
  private readonly signalEma: EmaStream;

  constructor(fast = 12, slow = 26, signal = 9) {
    assertMacd(fast, slow, signal);
    this.fastEma = new EmaStream(fast);
    this.slowEma = new EmaStream(slow);
    this.signalEma = new EmaStream(signal);
  }

  push(close: number): MacdPoint {
    const line = this.fastEma.push(close) - this.slowEma.push(close);
    this.macd = line;
    // The signal EMA only starts consuming once the line exists.
    if (!Number.isNaN(line)) this.signal = this.signalEma.push(line);
    this.histogram = line - this.signal;
    return this;
  }
}

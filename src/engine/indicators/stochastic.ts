import { assertPeriod, newColumn } from './period.js';
import { RollingWindow } from './rolling-mean.js';
import { rollingMaxInto, rollingMinInto } from './rolling-extreme.js';

/** Stochastic oscillator columns. */
export interface StochasticResult {
  /** %K, first value at kPeriod-1. */
  k: Float64Array;
  /** %D = SMA(dPeriod) of %K, first value at kPeriod+dPeriod-2. */
  d: Float64Array;
}

function kValue(close: number, hh: number, ll: number): number {
  const range = hh - ll;
  // A window with no range is neutral (50), as IBS uses 0.5.
  return range === 0 ? 50 : (100 * (close - ll)) / range;
}

/**
 * Fast stochastic: %K = 100·(close - LL)/(HH - LL) with HH/LL the highest
 * high / lowest low of the kPeriod bars ending at t (inclusive); 50 when
 * HH == LL. %D = SMA(dPeriod) of %K.
 */
export function stochastic(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod = 14,
  dPeriod = 3,
): StochasticResult {
  assertPeriod('stochastic %K period', kPeriod);
  assertPeriod('stochastic %D period', dPeriod);
  const len = close.length;
  const k = newColumn(len);
  const d = newColumn(len);
  // HH goes into `k` and LL into `d`; one more pass turns them into %K and
  // %D in place (%D's running sum replays rollingMeanInto's rebase schedule,
  // as StochasticStream's RollingWindow does, so all three agree bit for bit).
  rollingMaxInto(high, kPeriod, 0, k, null);
  rollingMinInto(low, kPeriod, 0, d, null);
  const firstD = kPeriod + dPeriod - 2;
  const kEnd = Math.min(firstD, len);
  for (let t = kPeriod - 1; t < kEnd; t++) {
    k[t] = kValue(close[t]!, k[t]!, d[t]!);
    d[t] = Number.NaN;
  }
  // Rebase blocks as in rollingMeanInto: a fresh sum of the last dPeriod %K
  // values at firstD, firstD + dPeriod, …, sliding updates in between.
  for (let b = firstD; b < len; b += dPeriod) {
    const kb = kValue(close[b]!, k[b]!, d[b]!);
    k[b] = kb;
    let sum = 0;
    for (let j = b - dPeriod + 1; j <= b; j++) sum += k[j]!;
    d[b] = sum / dPeriod;
    const end = Math.min(b + dPeriod, len);
    for (let t = b + 1; t < end; t++) {
      const kt = kValue(close[t]!, k[t]!, d[t]!);
      k[t] = kt;
      sum += kt - k[t - dPeriod]!;
      d[t] = sum / dPeriod;
    }
  }
  return { k, d };
}

/** One bar of stochastic output. */
export interface StochasticPoint {
  k: number;
  d: number;
}

/** Incremental stochastic; rescans a ring of kPeriod bars per push (O(kPeriod)). */
export class StochasticStream implements StochasticPoint {
  k = Number.NaN;
  d = Number.NaN;
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private readonly dWin: RollingWindow;
  private count = 0;

  constructor(
    readonly kPeriod = 14,
    readonly dPeriod = 3,
  ) {
    assertPeriod('stochastic %K period', kPeriod);
    assertPeriod('stochastic %D period', dPeriod);
    this.highs = new Float64Array(kPeriod);
    this.lows = new Float64Array(kPeriod);
    this.dWin = new RollingWindow(dPeriod);
  }

  push(high: number, low: number, close: number): StochasticPoint {
    const n = this.kPeriod;
    const slot = this.count % n;
    this.highs[slot] = high;
    this.lows[slot] = low;
    this.count++;
    if (this.count >= n) {
      let hh = Number.NEGATIVE_INFINITY;
      let ll = Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        if (this.highs[i]! > hh) hh = this.highs[i]!;
        if (this.lows[i]! < ll) ll = this.lows[i]!;
      }
      this.k = kValue(close, hh, ll);
      this.dWin.push(this.k);
      this.d = this.dWin.mean;
    }
    return this;
  }
}

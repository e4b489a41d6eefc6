import { assertPeriod, nanColumn } from './period.js';

/**
 * RSI from Wilder-smoothed average gain/loss:
 * RSI = 100 * avgGain / (avgGain + avgLoss), i.e. 100 - 100/(1 + RS) without
 * the division by zero: 100 when avgLoss is 0, and 50 when both are 0 (a flat
 * market is neutral rather than overbought).
 */
function rsiValue(g: number, l: number): number {
  const d = g + l;
  return d === 0 ? 50 : (100 * g) / d;
}

/**
 * Wilder RSI(n). Changes start at index 1; the first averages (index n) are
 * the plain means of changes 1..n; afterwards avg += (x - avg) / n, evaluated
 * as × (1/n) like ATR (keeps the division off the dependency chain).
 * First value at index n, NaN before.
 */
export function rsi(close: Float64Array, n: number): Float64Array {
  assertPeriod('rsi period', n);
  const len = close.length;
  const out = nanColumn(len, n);
  if (len <= n) return out;
  let g = 0;
  let l = 0;
  for (let t = 1; t <= n; t++) {
    const ch = close[t]! - close[t - 1]!;
    if (ch > 0) g += ch;
    else l -= ch;
  }
  g /= n;
  l /= n;
  out[n] = rsiValue(g, l);
  const k = 1 / n;
  for (let t = n + 1; t < len; t++) {
    const ch = close[t]! - close[t - 1]!;
    const gain = ch > 0 ? ch : 0;
    const loss = ch < 0 ? -ch : 0;
    g += (gain - g) * k;
    l += (loss - l) * k;
    out[t] = rsiValue(g, l);
  }
  return out;
}

/** Incremental RSI with the same seeding and op order as {@link rsi}. */
export class RsiStream {
  private count = 0;
  private prev = Number.NaN;
  private g = 0;
  private l = 0;
  private value = Number.NaN;

  constructor(readonly n: number) {
    assertPeriod('rsi period', n);
  }

  push(close: number): number {
    const changes = this.count++;
    const prev = this.prev;
    this.prev = close;
    if (changes === 0) return Number.NaN;
    const ch = close - prev;
    const n = this.n;
    if (changes <= n) {
      if (ch > 0) this.g += ch;
      else this.l -= ch;
      if (changes === n) {
        this.g /= n;
        this.l /= n;
        this.value = rsiValue(this.g, this.l);
      }
    } else {
      const gain = ch > 0 ? ch : 0;
      const loss = ch < 0 ? -ch : 0;
      const k = 1 / n;
      this.g += (gain - this.g) * k;
      this.l += (loss - this.l) * k;
      this.value = rsiValue(this.g, this.l);
    }
    return this.value;
  }
}

import { BlockSmoother, emaCoefficients } from './ema.js';
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
 * max(ch, 0) and max(-ch, 0) without a branch: up and down closes alternate
 * like coin flips, so `ch > 0 ? ch : 0` mispredicted on about every other
 * bar. Exact for every finite ch (doubling, adding x + -x = +0 and halving
 * do not round); a NaN change yields NaN, which the averages then carry, as
 * every other kernel here does.
 */
function gainOf(ch: number): number {
  return (ch + Math.abs(ch)) * 0.5;
}

function lossOf(ch: number): number {
  return (Math.abs(ch) - ch) * 0.5;
}

/**
 * Wilder RSI(n). Changes start at index 1; the first averages (index n) are
 * the plain means of changes 1..n; afterwards each average is smoothed with
 * alpha 1/n, four bars at a time like the EMA (see ema.ts: the four-bar step
 * quarters the loop-carried latency; gains and losses are independent chains).
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
  const { alpha, beta, beta4, alphaBeta, alphaBeta2, alphaBeta3 } = emaCoefficients(1 / n);
  let prev = close[n]!;
  let t = n + 1;
  for (; t + 3 < len; t += 4) {
    const c0 = close[t]!;
    const c1 = close[t + 1]!;
    const c2 = close[t + 2]!;
    const c3 = close[t + 3]!;
    const ch0 = c0 - prev;
    const ch1 = c1 - c0;
    const ch2 = c2 - c1;
    const ch3 = c3 - c2;
    prev = c3;
    const gain0 = gainOf(ch0);
    const gain1 = gainOf(ch1);
    const gain2 = gainOf(ch2);
    const gain3 = gainOf(ch3);
    const loss0 = lossOf(ch0);
    const loss1 = lossOf(ch1);
    const loss2 = lossOf(ch2);
    const loss3 = lossOf(ch3);
    const g0 = g * beta + gain0 * alpha;
    const l0 = l * beta + loss0 * alpha;
    const g1 = g0 * beta + gain1 * alpha;
    const l1 = l0 * beta + loss1 * alpha;
    const g2 = g1 * beta + gain2 * alpha;
    const l2 = l1 * beta + loss2 * alpha;
    g = g * beta4 + (gain0 * alphaBeta3 + gain1 * alphaBeta2 + (gain2 * alphaBeta + gain3 * alpha));
    l = l * beta4 + (loss0 * alphaBeta3 + loss1 * alphaBeta2 + (loss2 * alphaBeta + loss3 * alpha));
    out[t] = rsiValue(g0, l0);
    out[t + 1] = rsiValue(g1, l1);
    out[t + 2] = rsiValue(g2, l2);
    out[t + 3] = rsiValue(g, l);
  }
  for (; t < len; t++) {
    const c = close[t]!;
    const ch = c - prev;
    prev = c;
    g = g * beta + gainOf(ch) * alpha;
    l = l * beta + lossOf(ch) * alpha;
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
  private readonly gains: BlockSmoother;
  private readonly losses: BlockSmoother;

  constructor(readonly n: number) {
    assertPeriod('rsi period', n);
    this.gains = new BlockSmoother(1 / n);
    this.losses = new BlockSmoother(1 / n);
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
        this.value = rsiValue(this.gains.seed(this.g / n), this.losses.seed(this.l / n));
      }
    } else {
      this.value = rsiValue(this.gains.push(gainOf(ch)), this.losses.push(lossOf(ch)));
    }
    return this.value;
  }
}

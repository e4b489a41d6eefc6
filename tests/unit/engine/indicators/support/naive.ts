/**
 * Deliberately naive O(n·k) reference implementations, written straight from
 * the definitions with plain loops and no shared code with src/engine. They
 * are the "independent" side of every equivalence test.
 */

type Col = ArrayLike<number>;

function nanArray(len: number): number[] {
  return new Array<number>(len).fill(Number.NaN);
}

function windowValues(xs: Col, from: number, to: number): number[] {
  const out: number[] = [];
  for (let j = from; j <= to; j++) out.push(xs[j]!);
  return out;
}

function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Two-pass standard deviation with divisor (n - ddof). */
export function twoPassSd(xs: number[], ddof: number): number {
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (xs.length - ddof));
}

/** mean(xs[t-n+1..t]) summed from scratch at every t. */
export function naiveSma(xs: Col, n: number): number[] {
  const out = nanArray(xs.length);
  for (let t = n - 1; t < xs.length; t++) out[t] = mean(windowValues(xs, t - n + 1, t));
  return out;
}

/** max(high[t-n..t-1]), bar t excluded. */
export function naiveDonchianUpper(high: Col, n: number): number[] {
  const out = nanArray(high.length);
  for (let t = n; t < high.length; t++) out[t] = Math.max(...windowValues(high, t - n, t - 1));
  return out;
}

/** min(low[t-n..t-1]) and the latest j in that window with low[j] equal to it (searching backwards from t-1). */
export function naiveDonchianLower(low: Col, n: number): { lower: number[]; index: number[] } {
  const lower = nanArray(low.length);
  const index = new Array<number>(low.length).fill(-1);
  for (let t = n; t < low.length; t++) {
    const m = Math.min(...windowValues(low, t - n, t - 1));
    lower[t] = m;
    for (let j = t - 1; j >= t - n; j--) {
      if (low[j] === m) {
        index[t] = j;
        break;
      }
    }
  }
  return { lower, index };
}

/** mean(close·volume) over the n bars ending at t. */
export function naiveDollarAdv(close: Col, volume: Col, n: number): number[] {
  const out = nanArray(close.length);
  for (let t = n - 1; t < close.length; t++) {
    let s = 0;
    for (let j = t - n + 1; j <= t; j++) s += close[j]! * volume[j]!;
    out[t] = s / n;
  }
  return out;
}

/** Bollinger with two-pass population sd. */
export function naiveBollinger(close: Col, n: number, k: number): { middle: number[]; upper: number[]; lower: number[] } {
  const middle = nanArray(close.length);
  const upper = nanArray(close.length);
  const lower = nanArray(close.length);
  for (let t = n - 1; t < close.length; t++) {
    const w = windowValues(close, t - n + 1, t);
    const m = mean(w);
    const sd = twoPassSd(w, 0);
    middle[t] = m;
    upper[t] = m + k * sd;
    lower[t] = m - k * sd;
  }
  return { middle, upper, lower };
}

/**
 * (close - mean) / population sd over the n bars ending at t; 0 for a flat
 * window. Works on values shifted by the window's first element so windows
 * whose spread is a few ulps (5 vs 4.999999999999999) still give the exact
 * ±1-style answer instead of mean-rounding noise.
 */
export function naiveZScore(close: Col, n: number): number[] {
  const out = nanArray(close.length);
  for (let t = n - 1; t < close.length; t++) {
    const x0 = close[t - n + 1]!;
    const d = windowValues(close, t - n + 1, t).map((x) => x - x0);
    const flat = d.every((x) => x === 0);
    out[t] = flat ? 0 : (d[d.length - 1]! - mean(d)) / twoPassSd(d, 0);
  }
  return out;
}

/** Sample sd of the last n log returns × sqrt(252). */
export function naiveHistVol(close: Col, n: number): number[] {
  const out = nanArray(close.length);
  for (let t = n; t < close.length; t++) {
    const rets: number[] = [];
    for (let j = t - n + 1; j <= t; j++) rets.push(Math.log(close[j]! / close[j - 1]!));
    out[t] = twoPassSd(rets, 1) * Math.sqrt(252);
  }
  return out;
}

/** Fast stochastic %K over the k bars ending at t (50 when flat) and %D = mean of the last d %K. */
export function naiveStochastic(high: Col, low: Col, close: Col, k: number, d: number): { k: number[]; d: number[] } {
  const kOut = nanArray(close.length);
  const dOut = nanArray(close.length);
  for (let t = k - 1; t < close.length; t++) {
    const hh = Math.max(...windowValues(high, t - k + 1, t));
    const ll = Math.min(...windowValues(low, t - k + 1, t));
    kOut[t] = hh === ll ? 50 : (100 * (close[t]! - ll)) / (hh - ll);
  }
  for (let t = k + d - 2; t < close.length; t++) dOut[t] = mean(windowValues(kOut, t - d + 1, t));
  return { k: kOut, d: dOut };
}

/** True range with TR[0] = high - low. */
export function naiveTrueRange(high: Col, low: Col, close: Col): number[] {
  const out: number[] = [];
  for (let t = 0; t < high.length; t++) {
    if (t === 0) out.push(high[0]! - low[0]!);
    else {
      const pc = close[t - 1]!;
      out.push(Math.max(high[t]! - low[t]!, Math.abs(high[t]! - pc), Math.abs(low[t]! - pc)));
    }
  }
  return out;
}

/** Wilder ATR seeded with mean(TR[0..n-1]) at n-1, textbook division form. */
export function naiveAtr(high: Col, low: Col, close: Col, n: number): number[] {
  const tr = naiveTrueRange(high, low, close);
  const out = nanArray(high.length);
  if (high.length < n) return out;
  let a = mean(tr.slice(0, n));
  out[n - 1] = a;
  for (let t = n; t < high.length; t++) {
    a = (a * (n - 1) + tr[t]!) / n;
    out[t] = a;
  }
  return out;
}

/** Wilder RSI: means of changes 1..n at index n, then (avg·(n-1) + x)/n. */
export function naiveRsi(close: Col, n: number): number[] {
  const out = nanArray(close.length);
  if (close.length <= n) return out;
  let g = 0;
  let l = 0;
  for (let t = 1; t <= n; t++) {
    const ch = close[t]! - close[t - 1]!;
    g += Math.max(ch, 0);
    l += Math.max(-ch, 0);
  }
  g /= n;
  l /= n;
  const value = () => (l === 0 ? (g === 0 ? 50 : 100) : 100 - 100 / (1 + g / l));
  out[n] = value();
  for (let t = n + 1; t < close.length; t++) {
    const ch = close[t]! - close[t - 1]!;
    g = (g * (n - 1) + Math.max(ch, 0)) / n;
    l = (l * (n - 1) + Math.max(-ch, 0)) / n;
    out[t] = value();
  }
  return out;
}

/** EMA seeded with the mean of the first n values at n-1 (values before `from` ignored). */
export function naiveEma(xs: Col, n: number, from = 0): number[] {
  const out = nanArray(xs.length);
  const first = from + n - 1;
  if (first >= xs.length) return out;
  const alpha = 2 / (n + 1);
  let e = mean(windowValues(xs, from, first));
  out[first] = e;
  for (let t = first + 1; t < xs.length; t++) {
    e = alpha * xs[t]! + (1 - alpha) * e;
    out[t] = e;
  }
  return out;
}

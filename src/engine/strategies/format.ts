/**
 * Number formatting for signal reasons. US prices get 2 decimals (4 below 1),
 * but two sides of a comparison get as many decimals as it takes to look
 * different, so a reason never reads "close 100.00 > upper 100.00". Another
 * market's prices (whole won) go through a {@link ReasonNumbers} of their own.
 */
export function fmt(x: number, decimals = Math.abs(x) < 1 ? 4 : 2): string {
  return x.toFixed(decimals);
}

/**
 * Formats `a` and `b` with the fewest decimals (>= the default) that tell them apart, up to 10.
 * `fa`/`fb`, when given, must be {@link fmt}(a)/{@link fmt}(b): a side printed at its own default
 * precision reuses that text (callers building many reasons format a shared value once).
 */
export function fmtPair(a: number, b: number, fa?: string, fb?: string): [string, string] {
  const da = Math.abs(a) < 1 ? 4 : 2;
  const db = Math.abs(b) < 1 ? 4 : 2;
  let d = da > db ? da : db;
  let sa = d === da && fa !== undefined ? fa : a.toFixed(d);
  let sb = d === db && fb !== undefined ? fb : b.toFixed(d);
  while (sa === sb && a !== b && d < 10) {
    d++;
    sa = a.toFixed(d);
    sb = b.toFixed(d);
  }
  return [sa, sb];
}

/** "close 101.23 > upper55 99.80" with both numbers distinguishable (`numbers`: how figures are written, default US prices). */
export function cmp(aLabel: string, a: number, op: string, bLabel: string, b: number, numbers?: ReasonNumbers): string {
  const [sa, sb] = numbers ? numbers.pair(a, b) : fmtPair(a, b);
  return `${aLabel} ${sa} ${op} ${bLabel} ${sb}`;
}

/**
 * {@link cmp} with its text pre-joined, for building many signals: `prefix` is
 * `${aLabel} `, `middle` is ` ${op} ${bLabel} `, and `fa`/`fb` are
 * `numbers.one(a)`/`numbers.one(b)` ({@link fmt} by default), formatted once per value even when
 * a value appears in several reasons. Returns exactly the text of `cmp(aLabel, a, op, bLabel, b, numbers)`.
 */
export function cmpPre(prefix: string, a: number, fa: string, middle: string, b: number, fb: string, numbers?: ReasonNumbers): string {
  const [sa, sb] = numbers ? numbers.pair(a, b, fa, fb) : fmtPair(a, b, fa, fb);
  return prefix + sa + middle + sb;
}

/**
 * How a reason writes its figures. Prices and price distances (close, channel, SMA, ATR, stop,
 * target, minPrice) go through it; ratios (IBS) and R multiples keep {@link fmt}. The engine holds
 * no market: a scan passes the rule of the market it scans (absent: US prices, {@link fmt} and
 * {@link fmtPair}; {@link fixedReasonNumbers}(0) for whole won).
 */
export interface ReasonNumbers {
  /** One figure. */
  one(x: number): string;
  /**
   * The two sides of a comparison, never printed the same when they differ. `fa`/`fb`, when given,
   * are `one(a)`/`one(b)` already formatted (shared values are formatted once per signal).
   */
  pair(a: number, b: number, fa?: string, fb?: string): [string, string];
}

/**
 * Figures with exactly `decimals` decimals (0: whole won), thousands grouped with `,` when
 * `group`. Two sides that differ but print the same are told apart without more decimals: the
 * smaller is rounded down and the larger up at that precision, so "close 36,500 > sma200 36,499"
 * stays true of the raw values (close 36,500, SMA 36,499.7) while showing no fraction of a won.
 */
export function fixedReasonNumbers(decimals: number, opts: { group?: boolean } = {}): ReasonNumbers {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 10) throw new RangeError(`decimals must be an integer in [0, 10], not ${String(decimals)}`);
  const scale = 10 ** decimals;
  const text = (x: number) => {
    const s = x.toFixed(decimals);
    // A tiny negative prints "-0", which would read as a different figure from "0".
    return grouped(/^-0(\.0*)?$/.test(s) ? s.slice(1) : s, opts.group === true);
  };
  // Directed rounding of the raw value (no float-noise snapping): the printed relation stays true.
  const at = (x: number, round: (v: number) => number) => text(round(x * scale) / scale);
  return {
    one: text,
    pair(a, b, fa, fb) {
      const sa = fa ?? text(a);
      const sb = fb ?? text(b);
      if (sa !== sb || a === b || !Number.isFinite(a) || !Number.isFinite(b)) return [sa, sb];
      return a < b ? [at(a, Math.floor), at(b, Math.ceil)] : [at(a, Math.ceil), at(b, Math.floor)];
    },
  };
}

/** `36500.25` → `36,500.25` when `group`; the sign and the decimals are kept. */
function grouped(s: string, group: boolean): string {
  if (!group) return s;
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(s);
  return m ? m[1]! + m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (m[3] ?? '') : s;
}

/**
 * Number formatting for signal reasons. Prices get 2 decimals (4 below 1),
 * but two sides of a comparison get as many decimals as it takes to look
 * different, so a reason never reads "close 100.00 > upper 100.00".
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

/** "close 101.23 > upper55 99.80" with both numbers distinguishable. */
export function cmp(aLabel: string, a: number, op: string, bLabel: string, b: number): string {
  const [sa, sb] = fmtPair(a, b);
  return `${aLabel} ${sa} ${op} ${bLabel} ${sb}`;
}

/**
 * {@link cmp} with its text pre-joined, for building many signals: `prefix` is
 * `${aLabel} `, `middle` is ` ${op} ${bLabel} `, and `fa`/`fb` are
 * {@link fmt}(a)/{@link fmt}(b), formatted once per value even when a value
 * appears in several reasons. Returns exactly the text of `cmp(aLabel, a, op, bLabel, b)`.
 */
export function cmpPre(prefix: string, a: number, fa: string, middle: string, b: number, fb: string): string {
  const [sa, sb] = fmtPair(a, b, fa, fb);
  return prefix + sa + middle + sb;
}

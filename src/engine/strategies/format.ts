/**
 * Number formatting for signal reasons. Prices get 2 decimals (4 below 1),
 * but two sides of a comparison get as many decimals as it takes to look
 * different, so a reason never reads "close 100.00 > upper 100.00".
 */
export function fmt(x: number, decimals = Math.abs(x) < 1 ? 4 : 2): string {
  return x.toFixed(decimals);
}

/** Formats `a` and `b` with the fewest decimals (>= the default) that tell them apart, up to 10. */
export function fmtPair(a: number, b: number): [string, string] {
  let d = Math.max(Math.abs(a) < 1 ? 4 : 2, Math.abs(b) < 1 ? 4 : 2);
  let sa = a.toFixed(d);
  let sb = b.toFixed(d);
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

/** Money and prices as stored: 6 decimals, no float noise. */
export function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** Money as reported: cents. */
export function cents(n: number): number {
  return Math.round(n * 100) / 100;
}

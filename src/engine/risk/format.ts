/** `$1,234.50` — two decimals, thousands separators; for reasons only. */
export function usd(n: number): string {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const [whole, frac] = abs.toFixed(2).split('.') as [string, string];
  return `${sign}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

/** `1.23%` — up to two decimals, for reasons only. */
export function pct(n: number): string {
  return `${Number(n.toFixed(2))}%`;
}

/** Rounds to 6 decimals so reported numbers carry no float noise. */
export function r6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

import type { CloseSeries } from '../../../../src/engine/risk/returns.js';

/** `n` consecutive calendar dates from 2026-01-01 (the kernel only needs ordered, shared dates). */
export function days(n: number, from = '2026-01-01'): string[] {
  const t0 = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
}

/** Closes whose simple daily returns are exactly `returns` (up to float rounding), starting at `start`. */
export function fromReturns(returns: readonly number[], start = 100, dates = days(returns.length + 1)): CloseSeries {
  const closes = [start];
  for (const r of returns) closes.push(closes.at(-1)! * (1 + r));
  return { dates: dates.slice(0, closes.length), closes };
}

/** A period-4 pattern repeated to `n` values, scaled by `scale`. */
export function pattern(p: readonly number[], n: number, scale = 0.01): number[] {
  return Array.from({ length: n }, (_, i) => p[i % p.length]! * scale);
}

/** Exactly orthogonal zero-mean patterns: A·C = 0; B = A + C has correlation 1/√2 with each. */
export const A = [1, -1, 1, -1];
export const C = [1, 1, -1, -1];
export const B = [2, 0, 0, -2];

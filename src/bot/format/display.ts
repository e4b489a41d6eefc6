/**
 * Small formatting helpers shared by the portfolio views (money and
 * percentages come from src/bot/format/numbers.ts).
 */
import { MISSING } from './numbers.js';
import { strategyById } from '../../engine/strategies/index.js';
import { nyLocalParts } from '../../engine/calendar/timezone.js';

/** A share price: 2 decimals, 4 below $1 (sub-dollar stocks trade in 0.0001). */
export function price(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return MISSING;
  return n.toFixed(Math.abs(n) < 1 ? 4 : 2);
}

/** Strategy title for a stored id; the raw id when the strategy no longer exists (old rows must still render). */
export function strategyTitle(id: string): string {
  try {
    return strategyById(id).title;
  } catch {
    return id;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** "Jan 10 14:05 ET": trading happens on New York time, whatever the server's zone (the engine's time-zone rules, not the host's). */
export function nyStamp(d: Date): string {
  const p = nyLocalParts(d.getTime());
  return `${MONTHS[p.month - 1]!} ${p.day} ${pad2(p.hour)}:${pad2(p.minute)} ET`;
}

/** True when `n` has no more than `decimals` decimals (float noise aside). */
function fitsDecimals(n: number, decimals: number): boolean {
  const f = 10 ** decimals;
  return Math.abs(Math.round(n * f) - n * f) < 1e-6;
}

/**
 * A per-share figure shown exactly enough to multiply out: 2 decimals when it
 * sits on the cent, 4 on a sub-dollar tick, else 6 (an average over fills at
 * several prices, as stored). `price` alone would show 27.3456 as 27.35, and qty × 27.35
 * would not be the dollars beside it.
 */
export function exactPrice(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return MISSING;
  return n.toFixed(fitsDecimals(n, 2) ? 2 : fitsDecimals(n, 4) ? 4 : 6);
}

import { daysInMonth } from '../calendar/days.js';
import { MarketDateError } from './errors.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Checks a `YYYY-MM-DD` date and returns it. Rule tables compare these strings
 * directly (ISO dates sort as text), so a malformed date would silently pick
 * the wrong rule; refusing it is the safe choice.
 */
export function isoDate(date: string): string {
  const m = ISO_DATE.exec(String(date));
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo)) return date;
  }
  throw new MarketDateError(`"${String(date).slice(0, 20)}" is not a date; write it as YYYY-MM-DD, e.g. 2024-01-02`);
}

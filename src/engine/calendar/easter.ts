import { dayNumber } from './days.js';

/**
 * Day number of (Western, Gregorian) Easter Sunday for `year`.
 *
 * Uses the anonymous Gregorian computus (Meeus/Jones/Butcher form), which is
 * exact for every Gregorian year; NYSE closes on Good Friday, two days earlier.
 */
export function easterSunday(year: number): number {
  const a = year % 19; // position in the 19-year Metonic cycle
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3); // lunar (Metonic) correction
  const h = (19 * a + b - d - g + 15) % 30; // epact-derived days to the paschal full moon
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7; // days from the full moon to the next Sunday
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayNumber(year, month, day);
}

/** Day number of Good Friday (Easter Sunday − 2) for `year`. */
export function goodFriday(year: number): number {
  return easterSunday(year) - 2;
}

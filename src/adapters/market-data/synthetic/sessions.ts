import { fromEpochDay, isIsoDate, toEpochDay, weekdayOfEpochDay } from '../../../lib/dates.js';

/**
 * The last `count` Monday–Friday dates up to and including `endDate`, oldest
 * first. A stand-in for the exchange calendar (it has no holidays); pass real
 * sessions to the generator when a calendar is available.
 */
export function weekdaySessions(endDate: string, count: number): string[] {
  if (!isIsoDate(endDate)) throw new RangeError(`endDate "${endDate}" is not a YYYY-MM-DD date`);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const out: string[] = new Array(count);
  let day = toEpochDay(endDate);
  for (let i = count - 1; i >= 0; day--) {
    const wd = weekdayOfEpochDay(day);
    if (wd !== 0 && wd !== 6) out[i--] = fromEpochDay(day);
  }
  return out;
}

import { formatTimeSpec, parseTimeList, parseTimeSpec, type TimeSpec } from '../../engine/schedule/slots.js';

/**
 * The KR schedule's own checks (SCHEDULE_*_KR, Seoul time). The syntax is
 * the US one (`HH:MM`, `open±N`, `close±N`: engine/schedule/slots.ts), but
 * the scheduler's own checks place `open`/`close` at New York's 09:30/16:00,
 * so the KR lists are checked here against a regular KRX day (DESIGN §8):
 * the session 09:00–15:30 KST, the single-price auctions 08:30–09:00 and
 * 15:20–15:30, where KRX takes no IOC order (KIS: APBK3013).
 */

/** A regular KRX session in minutes after Seoul midnight. */
export const KRX_OPEN_MINUTES = 9 * 60;
export const KRX_CLOSE_MINUTES = 15 * 60 + 30;
/** The closing auction starts 10 minutes before the close. */
export const KRX_CLOSING_AUCTION_MINUTES = KRX_CLOSE_MINUTES - 10;

/** Which list: exits sell with IOC limits, so they must fall in the continuous session. */
export type KrScheduleList = 'exits' | 'other';

function krRegularMinutes(spec: TimeSpec): number {
  if (spec.anchor === 'clock') return spec.minutes;
  return (spec.anchor === 'open' ? KRX_OPEN_MINUTES : KRX_CLOSE_MINUTES) + spec.minutes;
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** For a zod `superRefine` on a SCHEDULE_*_KR variable: null when valid, else what is wrong and how to fix it. */
export function krTimeListProblem(raw: string, list: KrScheduleList): string | null {
  let items: string[];
  try {
    items = parseTimeList(raw);
  } catch (err) {
    // The parser names New York time; these lists are Seoul time.
    return (err instanceof Error ? err.message : String(err)).replace('New York time', 'Seoul time');
  }
  const seen = new Map<number, string>();
  for (const item of items) {
    const m = krRegularMinutes(parseTimeSpec(item));
    if (m < 0 || m >= 24 * 60) return `"${item}" falls outside the day on a regular KRX session (09:00–15:30 KST)`;
    const twin = seen.get(m);
    if (twin !== undefined) return `"${twin}" and "${item}" are the same time (${hhmm(m)} KST on a regular day): the list has it twice, remove one`;
    seen.set(m, item);
    if (list === 'exits' && (m < KRX_OPEN_MINUTES || m >= KRX_CLOSING_AUCTION_MINUTES)) {
      return (
        `"${formatTimeSpec(parseTimeSpec(item))}" is ${hhmm(m)} KST on a regular day: exits sell with IOC limits, which KRX takes only in the ` +
        `continuous session 09:00–15:20 (not in the auctions 08:30–09:00 and 15:20–15:30). Use e.g. 15:10 or close-20`
      );
    }
  }
  return null;
}

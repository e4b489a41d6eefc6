/**
 * Quiet hours, as arithmetic: is an instant inside a chat's quiet window on
 * the window's own clock? Pure apart from the runtime's zone data (Intl), so
 * a Seoul window is judged in Seoul whatever the server's zone, daylight
 * saving included.
 */
import { clockMinutes, type QuietHours } from './schema.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes after local midnight of `at` on the clock of `zone`. */
export function minutesInZone(at: Date, zone: string): number {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(zone, f);
  }
  const parts = f.formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '0');
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? '0');
  return (hour % 24) * 60 + minute;
}

/**
 * True when `at` falls inside the window: from `from` (inclusive) to `to`
 * (exclusive) on the zone's clock. A window whose start is after its end
 * spans midnight (22:00–07:00 holds 23:30 and 06:15, not 07:00). A malformed
 * window (which the stored-settings parse already turns into "none") holds
 * nothing, so a bad row can never silence a chat.
 */
export function isQuietAt(q: QuietHours, at: Date): boolean {
  const from = clockMinutes(q.from);
  const to = clockMinutes(q.to);
  if (from === null || to === null || from === to) return false;
  const now = minutesInZone(at, q.zone);
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/** "22:00–07:00 Asia/Seoul": how a window reads in /settings and replies. */
export function quietText(q: QuietHours): string {
  return `${q.from}–${q.to} ${q.zone}`;
}

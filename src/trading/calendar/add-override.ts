import type { SqlSession } from '../../adapters/db/port.js';
import { exchangeCalendar } from '../../engine/calendar/exchange.js';
import { overrideProblem, type CalendarOverride } from '../../engine/calendar/overrides.js';
import type { AuditSink } from '../execution/audit-journal.js';
import { CalendarOverrideStore, type StoredCalendarOverride } from './store.js';

/** The audit action of each override added. */
export const CALENDAR_OVERRIDE_ACTION = 'calendar.override';

/** An override that cannot be added; the message says why and what to do. */
export class CalendarOverrideRefused extends Error {
  override readonly name = 'CalendarOverrideRefused';
}

/** What adding an override needs. */
export interface AddOverrideDeps {
  db: SqlSession;
  audit: AuditSink;
  now?: () => Date;
}

/**
 * Adds a run-time override after checking it against the exchange's rule
 * calendar, and appends it to the audit chain (`calendar.override`, with the
 * actor). A day has at most one override: a second one is refused with the
 * first named. When the audit row cannot be written the override is removed
 * again and the error thrown: an unaudited calendar change must not act.
 * @throws CalendarOverrideRefused for an override that does not fit the rules or a day already overridden.
 */
export async function addCalendarOverride(deps: AddOverrideDeps, o: CalendarOverride, actor: string): Promise<StoredCalendarOverride> {
  const problem = overrideProblem(exchangeCalendar(o.exchange), o);
  if (problem !== null) throw new CalendarOverrideRefused(`${o.exchange} ${o.date}: ${problem}`);
  const store = new CalendarOverrideStore(deps.db);
  const stored = await store.insert({ ...o, reason: o.reason.trim() }, actor, (deps.now ?? (() => new Date()))());
  if (stored === null) {
    const existing = await store.on(o.exchange, o.date);
    const what = existing ? `${describeOverride(existing)} (added by ${existing.createdBy} at ${existing.createdAt.toISOString()})` : 'an override';
    throw new CalendarOverrideRefused(`${o.exchange} ${o.date} already has ${what}: one override per day`);
  }
  try {
    await deps.audit.append({
      action: CALENDAR_OVERRIDE_ACTION,
      actor,
      overrideId: stored.id,
      exchange: stored.exchange,
      date: stored.date,
      kind: stored.kind,
      openTime: stored.openTime,
      reason: stored.reason,
    });
  } catch (err) {
    await store.remove(stored.id);
    throw err;
  }
  return stored;
}

/** "close" or "late open at 10:00", and the reason. */
export function describeOverride(o: Pick<CalendarOverride, 'kind' | 'openTime' | 'reason'>): string {
  return `${o.kind === 'close' ? 'a close' : `a late open at ${o.openTime ?? '?'}`} ("${o.reason}")`;
}

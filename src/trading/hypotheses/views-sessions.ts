/**
 * Which session a chat action belongs to, and when the generator next runs. Only the NYSE calendar exists today: KR uses it too until the
 * Korean market issue brings the KRX calendar (then this file maps KR to it).
 */
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { isSession, nyLocalParts, previousSession } from '../../engine/calendar/index.js';
import { nextOccurrence } from '../../engine/schedule/plan.js';
import type { SlotDef } from '../../engine/schedule/slots.js';

/** The session a state change at `nowMs` is filed under: today's when today is a session, else the last one before it. */
export function sessionOnOrBefore(_market: MarketId, nowMs: number): string {
  const today = nyLocalParts(nowMs).date;
  return isSession(today) ? today : previousSession(today);
}

/** The generator's next scheduled run: when, for which session, and the slot that runs it. */
export interface GeneratorRun {
  at: Date;
  sessionDate: string;
  slot: string;
}

/**
 * When the generator next runs: the next occurrence of the scheduler's
 * `hypotheses` slots (SCHEDULE_HYPOTHESES, after the close). Null when no
 * such slot is scheduled (the scheduler off, or the setting empty): then it
 * does not run on its own. /status and /hypotheses both read it here, so
 * they name the same time.
 */
export function nextGeneratorRun(slots: readonly SlotDef[], nowMs: number): GeneratorRun | null {
  const next = nextOccurrence(
    slots.filter((s) => s.kind === 'hypotheses'),
    nowMs,
  );
  return next ? { at: new Date(next.dueAt), sessionDate: next.sessionDate, slot: next.slot.slot } : null;
}

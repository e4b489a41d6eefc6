/**
 * Which session a chat action belongs to, and when the generator next runs. Each market on its own
 * exchange's calendar and clock: a KR promotion is filed under the Seoul session day (KRX), a US one
 * under New York's (NYSE).
 */
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { isSession, nyLocalParts, previousSession } from '../../engine/calendar/index.js';
import { XKRX_CALENDAR } from '../../engine/calendar/exchange.js';
import { nextOccurrence } from '../../engine/schedule/plan.js';
import type { SlotDef } from '../../engine/schedule/slots.js';

/**
 * The session a state change at `nowMs` is filed under: the market's today (New York's date for
 * US, Seoul's for KR) when it is a session of its exchange, else its last session before it.
 */
export function sessionOnOrBefore(market: MarketId, nowMs: number): string {
  if (market === 'KR') {
    const today = XKRX_CALENDAR.dateOf(nowMs);
    return XKRX_CALENDAR.isSession(today) ? today : XKRX_CALENDAR.previousSession(today);
  }
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

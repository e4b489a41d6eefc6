import { occurrenceOn, type PlanOn } from '../../engine/schedule/plan.js';
import { US_RULE_PLAN } from '../../engine/schedule/market-plan.js';
import type { SlotDef } from '../../engine/schedule/slots.js';
import type { ScheduledScan } from './types.js';

/**
 * The scans the scheduler runs on `sessionDate`, for the morning digest:
 * every `scan` slot with an occurrence that day (none on holidays; early
 * closes move close-relative slots and drop those outside the session).
 * `on` is the market's plan (default US; a KR table with marketPlan('KR'),
 * on KRX sessions in Seoul time).
 */
export function scheduledScansOn(slots: readonly SlotDef[], sessionDate: string, on: PlanOn = US_RULE_PLAN): ScheduledScan[] {
  const out: ScheduledScan[] = [];
  for (const s of slots) {
    if (s.kind !== 'scan') continue;
    const o = occurrenceOn(s, sessionDate, on);
    if (o) out.push({ at: new Date(o.dueAt) });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

import { occurrenceOn } from '../../engine/schedule/plan.js';
import type { SlotDef } from '../../engine/schedule/slots.js';
import type { ScheduledScan } from './types.js';

/**
 * The scans the scheduler runs on `sessionDate`, for the morning digest:
 * every `scan` slot with an occurrence that day (none on holidays; early
 * closes move close-relative slots and drop those outside the session).
 */
export function scheduledScansOn(slots: readonly SlotDef[], sessionDate: string): ScheduledScan[] {
  const out: ScheduledScan[] = [];
  for (const s of slots) {
    if (s.kind !== 'scan') continue;
    const o = occurrenceOn(s, sessionDate);
    if (o) out.push({ at: new Date(o.dueAt) });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

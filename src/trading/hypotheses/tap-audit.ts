import type { AuditSink } from '../execution/audit-journal.js';

/** Where a failed tap audit is reported (the process logger in the bot). */
export interface TapAuditLog {
  warn(obj: object, msg: string): void;
}

/**
 * Appends the audit row of a hypothesis button's tap (a refusal, or a Keep
 * already recorded). The tap is answered either way (there is nothing to
 * undo), so a failed append does not fail it; it is logged with the row's
 * action so the gap in the chain is seen.
 */
export async function auditTap(
  deps: { audit: AuditSink; log?: TapAuditLog },
  row: { action: string; actor: string | number; [k: string]: unknown },
): Promise<void> {
  try {
    await deps.audit.append(row);
  } catch (err) {
    deps.log?.warn({ err, action: row.action, actor: row.actor }, 'audit append failed: the tap was answered, its audit row is missing');
  }
}

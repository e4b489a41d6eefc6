import type { AuditEvent } from '../trading/audit/audit-log.js';
import type { BotDeps } from './deps.js';

/**
 * Appends an audit event for a reply the user gets either way. A failed append
 * is never silent: it is logged at error with the event's action (the chain
 * has no row for it), and the reply goes on.
 */
export async function auditOrLog(deps: Pick<BotDeps, 'audit' | 'log'>, event: AuditEvent): Promise<void> {
  await deps.audit.append(event).catch((err: unknown) => deps.log.error({ err, action: event.action }, 'audit append failed: this event is not in the audit log'));
}

import { Alerts } from '../../../../src/trading/alerts/alerts.js';
import { CircuitBreaker, type CircuitBreakerDeps } from '../../../../src/trading/circuit-breaker/circuit-breaker.js';
import type { CircuitLimits } from '../../../../src/trading/circuit-breaker/types.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { silentLog } from '../../jobs/scheduler/setup.js';
import { sink } from '../alerts/sink.js';
import type { World } from '../execution/setup.js';

/** The admin who hears alerts in these tests. */
export const ADMIN = 11;

/** A breaker on a test world: real kill switch, audit chain and alert store; admin messages land in `messages`. */
export function breakerOn(w: World, limits: CircuitLimits, over: Partial<CircuitBreakerDeps> = {}) {
  const messages = sink();
  const alerts = new Alerts({ db: w.uow(), notifier: messages.notifier, admins: [ADMIN], log: silentLog });
  const breaker = new CircuitBreaker({ db: w.uow(), killSwitch: w.killSwitch, alerts, audit: w.audit, limitsFor: () => limits, ...over });
  return { breaker, alerts, messages };
}

/** A pick approved by a trader, ready for `executeApproval`. */
export async function approved(w: World, p: Parameters<World['pick']>[0] = {}): Promise<string> {
  const pickId = await w.pick(p);
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  return r.approvalId;
}

/** Audit rows of one action, oldest first. */
export async function auditRows(w: World, action: string): Promise<Record<string, unknown>[]> {
  const rows = (await w.ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = $1 ORDER BY seq`, [action])) as { payload: Record<string, unknown> }[];
  return rows.map((r) => r.payload);
}

/** The kill switch row as Postgres holds it. */
export async function switchRow(w: World): Promise<{ engaged: boolean; epoch: number; reason: string | null }> {
  const r = (await w.ds.query(`SELECT engaged, epoch::int AS epoch, reason FROM kill_switch WHERE id = 1`)) as { engaged: boolean; epoch: number; reason: string | null }[];
  return r[0]!;
}

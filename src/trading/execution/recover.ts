import type { Logger } from 'pino';
import { z } from 'zod';
import { errText } from '../../lib/errors.js';
import { pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { settleApproval, type ExecutionDeps } from './execute.js';
import { ExitDesk } from './exit-order.js';
import type { ExitDeps } from './exit-types.js';
import type { ExitSettleResult, SettleResult } from './stuck-types.js';

/** What the recovery pass needs. */
export interface RecoverDeps {
  /** The entries' deps (db, broker, audit…), as the execution job has them. */
  execution: ExecutionDeps;
  /** The exits' deps, for stop / time-stop / flatten orders stuck the same way. */
  exits: ExitDeps;
  /** EXEC_RESOLVE_AFTER_MS: an attempt mark younger than this is left to its (possibly live) run. */
  resolveAfterMs: number;
  now?: () => Date;
  logger?: Logger;
}

/** One approval the pass looked at: who approved it (their private chat is told) and what became of it. */
export interface RecoveredEntry {
  approvalId: string;
  pickId: string;
  /** Telegram user id of the approver. */
  approvedBy: number;
  result: SettleResult;
}

/** What one recovery pass did. */
export interface RecoveryReport {
  entries: RecoveredEntry[];
  exits: ExitSettleResult[];
  /** Rows the pass could not look at (an exception), with the error: tried again at the next pass. */
  errors: { subject: string; error: string }[];
}

/** At most this many rows per kind and pass: a backlog drains over a few passes instead of one long one. */
const BATCH = 100;

/** A stuck entry's approval (the approver's id, a bigint, as text). */
const StuckEntryRow = z.object({ approval_id: pgText, pick_id: pgText, approved_by: pgText });
/** A stuck exit order and its position. */
const StuckExitRow = z.object({ client_order_id: pgText, symbol: pgText, strategy: pgText });

/**
 * The recovery pass (every worker, every minute and at start-up): finds in
 * POSTGRES (not BullMQ, which a Redis loss empties) every unbooked order whose
 * attempt mark is older than `resolveAfterMs` — an entry whose worker died
 * between the mark and the booking, or an exit likewise — and settles each
 * under its lock taken WITHOUT waiting: a held lock is a live run (a slow
 * executor, another worker's pass), so it is skipped and looked at again
 * next time. See `settleApproval` and `ExitDesk.settleStuck`.
 */
export async function recoverStuck(deps: RecoverDeps): Promise<RecoveryReport> {
  const now = deps.now?.() ?? new Date();
  const olderThan = new Date(now.getTime() - deps.resolveAfterMs);
  const db = deps.execution.db;
  const report: RecoveryReport = { entries: [], exits: [], errors: [] };

  const entries = await rowsOf(
    db,
    StuckEntryRow,
    `SELECT a.id AS approval_id, a.pick_id, a.approved_by::text AS approved_by
       FROM approvals a JOIN orders o ON o.approval_id = a.id
      WHERE a.state IN ('approved', 'executing') AND o.booked_at IS NULL AND o.submit_attempted_at IS NOT NULL AND o.submit_attempted_at <= $1
        AND o.market = $2
      ORDER BY o.submit_attempted_at LIMIT ${BATCH}`,
    // Only the orders of the market whose broker these deps hold: another market's broker would answer "none".
    [olderThan, deps.execution.market ?? 'US'],
  );
  for (const r of entries) {
    try {
      const result = await settleApproval(deps.execution, r.approval_id, { kind: 'auto' }, { olderThan, lockWaitMs: 0 });
      report.entries.push({ approvalId: r.approval_id, pickId: r.pick_id, approvedBy: Number(r.approved_by), result });
    } catch (e) {
      report.errors.push({ subject: `approval:${r.approval_id}`, error: errText(e) });
    }
  }

  const exits = await rowsOf(
    db,
    StuckExitRow,
    `SELECT client_order_id, symbol, strategy FROM orders
      WHERE kind = 'exit' AND booked_at IS NULL AND submit_attempted_at IS NOT NULL AND submit_attempted_at <= $1
        AND market = $2
      ORDER BY submit_attempted_at LIMIT ${BATCH}`,
    [olderThan, deps.exits.market ?? 'US'],
  );
  if (exits.length > 0) {
    const desk = new ExitDesk({ ...deps.exits, lockWaitMs: 0 });
    for (const x of exits) {
      try {
        const got = await desk.withPosition(x, () => desk.settleStuck(x.client_order_id, olderThan));
        report.exits.push(got === 'busy' ? { kind: 'busy', clientOrderId: x.client_order_id } : got);
      } catch (e) {
        report.errors.push({ subject: `order:${x.client_order_id}`, error: errText(e) });
      }
    }
  }
  for (const e of report.errors) deps.logger?.error({ subject: e.subject, err: e.error }, 'recovery pass could not settle a stuck order');
  return report;
}

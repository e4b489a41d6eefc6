import type { TableUnitOfWork } from '../../adapters/db/port.js';
import type { AuditSink } from '../execution/audit-journal.js';
import { z } from 'zod';
import { pgInt, pgJson, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';

/** One row of `hypothesis_transitions` (id and audit_seq read as int, session as ISO text). `from_state` is null for the proposal itself. */
export const TransitionRowSchema = z.object({
  id: pgInt,
  hypothesis_id: pgText,
  from_state: pgText.nullable(),
  to_state: pgText,
  event: pgText,
  actor: pgText,
  figures: pgJson,
  /** The market session the change belongs to (null on rows written before the column existed). */
  session: pgText.nullable(),
  at: pgTimestamp,
  audit_seq: pgInt.nullable(),
});
export type TransitionRow = z.output<typeof TransitionRowSchema>;

/** Rows put on the chain per sweep transaction. */
const SWEEP_BATCH = 100;

/**
 * Appends every transition row without an audit seq to the audit chain as
 * `hypothesis.transition` and records the seq, oldest first. Rows are
 * claimed with FOR UPDATE SKIP LOCKED inside a transaction, so concurrent
 * sweeps never append the same row twice while both are alive; a crash
 * after the append and before the commit appends it again on the next
 * sweep (the payload's `transitionId` identifies the duplicate).
 *
 * @returns how many rows were put on the chain
 */
export async function auditTransitions(db: TableUnitOfWork, audit: AuditSink): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      // The claim stays reviewed SQL: FOR UPDATE SKIP LOCKED is what keeps two sweeps off the same row.
      const rows = await rowsOf(
        tx,
        TransitionRowSchema,
        `SELECT id::int AS id, hypothesis_id, from_state, to_state, event, actor, figures, session::text AS session, at, audit_seq
           FROM hypothesis_transitions WHERE audit_seq IS NULL ORDER BY id LIMIT ${SWEEP_BATCH} FOR UPDATE SKIP LOCKED`,
      );
      for (const r of rows) {
        const seq = await audit.append({
          action: 'hypothesis.transition',
          actor: r.actor,
          transitionId: r.id,
          hypothesisId: r.hypothesis_id,
          from: r.from_state,
          to: r.to_state,
          event: r.event,
          session: r.session,
          figures: r.figures,
        });
        await tx.tables.hypotheses.setTransitionAuditSeq(r.id, seq);
      }
      return rows.length;
    });
    total += n;
    if (n < SWEEP_BATCH) return total;
  }
}

import type { UnitOfWork } from '../../adapters/db/port.js';
import type { AuditSink } from '../execution/audit-journal.js';

/** One row of `hypothesis_transitions`. `from_state` is null for the proposal itself. */
export interface TransitionRow {
  id: number;
  hypothesis_id: string;
  from_state: string | null;
  to_state: string;
  event: string;
  actor: string;
  figures: unknown;
  /** The market session the change belongs to (null on rows written before the column existed). */
  session: string | null;
  at: Date;
  audit_seq: number | null;
}

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
export async function auditTransitions(db: UnitOfWork, audit: AuditSink): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const rows = await tx.rows<TransitionRow>(
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
        await tx.exec(`UPDATE hypothesis_transitions SET audit_seq = $2 WHERE id = $1`, [r.id, seq]);
      }
      return rows.length;
    });
    total += n;
    if (n < SWEEP_BATCH) return total;
  }
}

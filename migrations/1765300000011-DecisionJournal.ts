import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The decision journal (issue 20, item 3): every decision with the inputs that made it, linked to the audit chain.
 *
 * Approvals, refusals, expiries, orders, exits, hypothesis transitions and kills are already audit
 * rows (src/trading/execution, src/trading/kill-switch, src/trading/hypotheses) with their inputs:
 * the journal reads those and does not write them twice. `decisions` holds only what the chain
 * lacked — what a scan decided: each signal (its source, symbol, session, Why-line values and
 * sizing inputs) and each pick posted or not posted and why not. A scan writes rows only for
 * symbols that signalled, never one per symbol scanned. Each row carries `audit_seq`, the seq of
 * the scan's `scan.decisions` audit row whose digest covers the run's rows (so a changed row no
 * longer matches the chain). Rows are insert-only: the audit row is appended first, the rows
 * after it, with its seq.
 *
 * The expression indexes on audit_log serve the journal's look-ups by symbol, pick, approval and
 * client order id (the payload keys the execution rows carry).
 */
export class DecisionJournal1765300000011 implements MigrationInterface {
  name = 'DecisionJournal1765300000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE decisions (
        id           bigserial PRIMARY KEY,
        run_id       text NOT NULL,
        kind         text NOT NULL CHECK (kind IN ('signal', 'card')),
        session_date date NOT NULL,
        symbol       text NOT NULL,
        source       text NOT NULL,
        outcome      text NOT NULL,
        pick_id      text,
        inputs       jsonb NOT NULL,
        audit_seq    bigint NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        UNIQUE (run_id, kind, symbol, source)
      )`);
    await q.query(`CREATE INDEX decisions_symbol_at ON decisions (symbol, created_at DESC)`);
    await q.query(`CREATE INDEX decisions_at ON decisions (created_at DESC)`);
    await q.query(`CREATE INDEX decisions_pick ON decisions (pick_id) WHERE pick_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_log_symbol ON audit_log ((payload->>'symbol'))`);
    await q.query(`CREATE INDEX audit_log_pick ON audit_log ((payload->>'pickId'))`);
    await q.query(`CREATE INDEX audit_log_approval ON audit_log ((payload->>'approvalId'))`);
    await q.query(`CREATE INDEX audit_log_client_order ON audit_log ((payload->>'clientOrderId'))`);
    await q.query(`CREATE INDEX audit_log_created ON audit_log (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_created`);
    await q.query(`DROP INDEX audit_log_client_order`);
    await q.query(`DROP INDEX audit_log_approval`);
    await q.query(`DROP INDEX audit_log_pick`);
    await q.query(`DROP INDEX audit_log_symbol`);
    await q.query(`DROP TABLE decisions`);
  }
}

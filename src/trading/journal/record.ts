import { createHash } from 'node:crypto';
import { marketOfSymbol } from '../../engine/market/symbols.js';
import type { TableSession } from '../../adapters/db/port.js';
import { canonicalJson } from '../audit/canonical-json.js';
import type { DecisionRow } from './scan-decisions.js';

/** Where the journal links its rows (the audit chain, `AuditLog.append`). */
export interface JournalAuditSink {
  append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number>;
}

/** What a scan hands the journal. */
export interface DecisionRecorder {
  /** `at`: the scan's clock (the app's), so "today" means the same day to the scan and to /journal. */
  recordScan(run: { runId: string; asOf: string; at: Date }, rows: readonly DecisionRow[]): Promise<{ auditSeq: number; rows: number } | null>;
}

/** SHA-256 of the rows' canonical JSON: what the scan's audit row carries for them. */
export function decisionsDigest(rows: readonly DecisionRow[]): string {
  return createHash('sha256').update(canonicalJson(rows)).digest('hex');
}

/**
 * Writes a scan's decisions. One audit row per scan (`scan.decisions`: run, counts and the rows'
 * digest) rather than one per decision: a full-universe scan stays one chain append, and the
 * digest still ties every row to the chain (recompute it from the rows of `audit_seq`). The audit
 * row goes first so each row is inserted once with its seq (the table is insert-only). A retried
 * finish finds the run's rows and writes nothing; a crash between the two writes leaves an
 * audit row without rows, and the retry appends a second one for the same digest (harmless).
 * The "already recorded?" read is a plain one through `tables`; the bulk insert (unnest) stays
 * reviewed SQL.
 */
export class DecisionJournal implements DecisionRecorder {
  constructor(
    private readonly db: TableSession,
    private readonly audit: JournalAuditSink,
  ) {}

  async recordScan(run: { runId: string; asOf: string; at: Date }, rows: readonly DecisionRow[]): Promise<{ auditSeq: number; rows: number } | null> {
    if (rows.length === 0) return null;
    const done = await this.db.tables.alerts.runAuditSeq(run.runId);
    if (done !== null) return { auditSeq: Number(done), rows: 0 };
    const auditSeq = await this.audit.append({
      action: 'scan.decisions',
      actor: 'worker',
      runId: run.runId,
      asOf: run.asOf,
      signals: rows.filter((r) => r.kind === 'signal').length,
      cards: rows.filter((r) => r.kind === 'card').length,
      // Only when there are some: a scan without gaps writes the audit row it always wrote.
      ...(rows.some((r) => r.kind === 'skip') ? { skips: rows.filter((r) => r.kind === 'skip').length } : {}),
      digest: decisionsDigest(rows),
    });
    const n = await this.db.exec(
      `INSERT INTO decisions (run_id, kind, session_date, symbol, source, outcome, pick_id, inputs, market, audit_seq, created_at)
       SELECT $1, *, $8::bigint, $10::timestamptz FROM unnest($2::text[], $3::date[], $4::text[], $5::text[], $6::text[], $7::text[], $9::jsonb[], $11::text[])
           AS t(kind, session_date, symbol, source, outcome, pick_id, inputs, market)
       ON CONFLICT (run_id, kind, symbol, source) DO NOTHING`,
      [
        run.runId,
        rows.map((r) => r.kind),
        rows.map((r) => r.sessionDate),
        rows.map((r) => r.symbol),
        rows.map((r) => r.source),
        rows.map((r) => r.outcome),
        rows.map((r) => r.pickId),
        auditSeq,
        rows.map((r) => JSON.stringify(r.inputs)),
        run.at,
        // Named per row from the symbol (six digits: KR), never left to the column's US default.
        rows.map((r) => marketOfSymbol(r.symbol)),
      ],
    );
    return { auditSeq, rows: n };
  }
}

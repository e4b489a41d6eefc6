import { z } from 'zod';
import type { SqlSession, UnitOfWork } from '../../adapters/db/port.js';
import { pgJson, pgNumeric, pgText } from '../../lib/sql-columns.js';
import { parseRows, rowOf, rowsOf } from '../../lib/sql-rows.js';
import { chainHash, GENESIS_HASH, verifyRows, type ChainBreak } from './chain.js';
import { compareWithAnchor, type AnchorIssue, type AuditHead, type HeadCheck, type HeadRef } from './head.js';

/** Serialises appends across every process: the chain must stay a single line. */
const AUDIT_LOCK_KEY = 774_219_002;
const VERIFY_PAGE = 5_000;

/** A chain point as stored: `seq` is bigint (text from the driver), `hash` char(64). Also the anchor row's shape. */
const SeqHashRow = z.object({ seq: pgNumeric, hash: pgText });
const OPEN_SQL = `SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY}); SELECT seq, hash FROM audit_anchor WHERE id = 1`;
const ANCHOR_SQL = 'SELECT seq, hash FROM audit_anchor WHERE id = 1';
const HEADS_SQL = 'SELECT seq, hash FROM audit_log WHERE seq = ANY($1::bigint[])';
/** `max(bigint)`: text, NULL while the log is empty. */
const EndRow = z.object({ end: pgNumeric.nullable() });
const END_SQL = 'SELECT max(seq) AS end FROM audit_log';
const RecentRow = z.object({ seq: pgNumeric, payload: z.record(z.string(), z.unknown()) });
const RECENT_SQL = 'SELECT seq, payload FROM audit_log ORDER BY seq DESC LIMIT $1';
const PageRow = z.object({ seq: pgNumeric, prev_hash: pgText, hash: pgText, payload: pgJson });
const PAGE_SQL = 'SELECT seq, prev_hash, hash, payload FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2';

/** What happened, who did it, and the details; stored as the row's payload. */
export interface AuditEvent {
  /** Dotted action name, e.g. `command.received`, `auth.denied`, `killswitch.engaged`. */
  action: string;
  /** Telegram user id, or a process role such as `worker`. */
  actor: string | number;
  [detail: string]: unknown;
}

/** What is wrong with the log: a break inside the chain, or a chain that disagrees with its anchor. */
export type AuditIssue =
  /** Rows from…to are missing between two rows that are there. */
  | { code: 'rows_missing'; from: number; to: number }
  | { code: Exclude<ChainBreak, 'seq_gap'>; seq: number }
  | AnchorIssue;

/**
 * The whole log checked: the chain row by row, then its end against the anchor row.
 * `brokenAt` is the first seq that is wrong or missing (0 when the anchor row is gone);
 * `problem` is the chain's own description of a break inside it, else the issue's code.
 */
export type AuditVerdict =
  | { ok: true; rows: number; head: AuditHead }
  | { ok: false; rows: number; brokenAt: number; problem: string; issue: AuditIssue };

interface Pending {
  payload: Record<string, unknown>;
  resolve(seq: number): void;
  reject(err: unknown): void;
}

/** Most rows written in one transaction. */
const MAX_BATCH = 500;

/**
 * The append-only audit hash chain. Appends from any number of concurrent
 * writers form one valid chain because each write takes a transaction-scoped
 * advisory lock before reading the head (the `audit_anchor` row, which a
 * trigger moves with every insert). Within a process, appends that
 * arrive while a write is in flight are group-committed in the next
 * transaction, so a burst costs one commit, not one per row.
 */
export class AuditLog {
  private pending: Pending[] = [];
  private flushing = false;

  constructor(
    private readonly db: UnitOfWork,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends one event; resolves with its sequence number once committed. */
  append(event: AuditEvent): Promise<number> {
    return new Promise((resolve, reject) => {
      this.pending.push({ payload: { ...event, at: this.now().toISOString() }, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        try {
          const first = await this.writeBatch(batch.map((b) => b.payload));
          batch.forEach((b, i) => b.resolve(first + i));
        } catch (err) {
          batch.forEach((b) => b.reject(err));
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Appends a batch in two round trips: the chain lock and the head read travel with BEGIN (the
   * head is read after the lock was granted), the rows with COMMIT (as escaped literals).
   * The head is the anchor's, not the last row's: after rows were cut from the tail the chain
   * goes on from the anchored row, so the gap stays visible instead of being written over.
   * (A trigger moves the anchor with these rows and refuses rows that do not continue it.)
   */
  private writeBatch(payloads: Record<string, unknown>[]): Promise<number> {
    return this.db.oneTrip(OPEN_SQL, async (client, opened) => {
      const head = parseRows(SeqHashRow, opened[1]?.rows ?? [], OPEN_SQL)[0];
      // Gone only if removed with the triggers off: starting the chain over would hide that.
      if (!head) throw new Error('audit_anchor has no row: the audit log cannot be extended (run courtside audit verify)');
      const first = Number(head.seq) + 1;
      let prev = head.hash;
      const values = payloads.map((payload, i) => {
        const hash = chainHash(prev, payload);
        const row = `(${first + i}, ${client.escapeLiteral(prev)}, ${client.escapeLiteral(hash)}, ${client.escapeLiteral(JSON.stringify(payload))}::jsonb)`;
        prev = hash;
        return row;
      });
      return { value: first, closing: `INSERT INTO audit_log (seq, prev_hash, hash, payload) VALUES ${values.join(', ')}` };
    });
  }

  /**
   * Walks the whole chain in pages, then compares its end with the anchor row; reports OK or
   * the first problem. Reads one snapshot, so appends made meanwhile cannot look like a cut.
   */
  verify(): Promise<AuditVerdict> {
    return this.db.transaction(async (tx) => {
      await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const anchorRow = await rowOf(tx, SeqHashRow, ANCHOR_SQL);
      const anchor = anchorRow ? { seq: Number(anchorRow.seq), hash: anchorRow.hash } : null;
      const walked = await walkChain(tx);
      if (!walked.ok) return walked;
      const issue = compareWithAnchor(walked.head, anchor);
      if (!issue) return walked;
      const brokenAt = issue.code === 'anchor_missing' ? 0 : issue.code === 'tail_missing' ? issue.chainEnd + 1 : issue.code === 'rows_unanchored' ? issue.from : issue.seq;
      return { ok: false, rows: walked.rows, brokenAt, problem: issue.code, issue };
    });
  }

  /** Whether heads kept from earlier (digests) are still rows of the chain, with the same hash. */
  async checkHeads(refs: readonly HeadRef[]): Promise<HeadCheck[]> {
    if (refs.length === 0) return [];
    const rows = await rowsOf(this.db, SeqHashRow, HEADS_SQL, [refs.map((r) => r.seq)]);
    const found = new Map(rows.map((r) => [Number(r.seq), r.hash]));
    const end = Number((await rowOf(this.db, EndRow, END_SQL))?.end ?? 0);
    return refs.map((ref): HeadCheck => {
      const hash = found.get(ref.seq);
      if (hash === undefined) return { ref, status: 'missing', chainEnd: end };
      return { ref, status: hash.startsWith(ref.hashPrefix) ? 'match' : 'mismatch', hash };
    });
  }

  /** The most recent events, newest first (for /status and the dashboard). */
  async recent(limit = 20): Promise<{ seq: number; payload: Record<string, unknown> }[]> {
    const rows = await rowsOf(this.db, RecentRow, RECENT_SQL, [limit]);
    return rows.map((r) => ({ seq: Number(r.seq), payload: r.payload }));
  }
}

/** Checks every row of the chain in pages of VERIFY_PAGE; the end is the last row (seq 0 and the genesis hash when empty). */
async function walkChain(tx: SqlSession): Promise<AuditVerdict> {
  let prev = GENESIS_HASH;
  let nextSeq = 1;
  let total = 0;
  for (;;) {
    const page = await rowsOf(tx, PageRow, PAGE_SQL, [nextSeq, VERIFY_PAGE]);
    if (page.length === 0) break;
    const v = verifyRows(
      page.map((r) => ({ seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, payload: r.payload })),
      prev,
      nextSeq,
    );
    if (!v.ok) {
      const issue: AuditIssue = v.code === 'seq_gap' ? { code: 'rows_missing', from: v.expectedSeq, to: v.brokenAt - 1 } : { code: v.code, seq: v.brokenAt };
      return { ok: false, rows: total + v.rows, brokenAt: v.brokenAt, problem: v.problem, issue };
    }
    total += v.rows;
    prev = v.head;
    nextSeq += page.length;
  }
  return { ok: true, rows: total, head: { seq: nextSeq - 1, hash: prev } };
}

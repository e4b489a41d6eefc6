import type { DataSource } from 'typeorm';
import { chainHash, GENESIS_HASH, verifyRows, type ChainVerdict } from './chain.js';

/** Serialises appends across every process: the chain must stay a single line. */
const AUDIT_LOCK_KEY = 774_219_002;
const VERIFY_PAGE = 5_000;

/** What happened, who did it, and the details; stored as the row's payload. */
export interface AuditEvent {
  /** Dotted action name, e.g. `command.received`, `auth.denied`, `killswitch.engaged`. */
  action: string;
  /** Telegram user id, or a process role such as `worker`. */
  actor: string | number;
  [detail: string]: unknown;
}

/**
 * The append-only audit hash chain. Appends from any number of concurrent
 * writers form one valid chain because each append takes a transaction-scoped
 * advisory lock before reading the head.
 */
export class AuditLog {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends one event and returns its sequence number. */
  async append(event: AuditEvent): Promise<number> {
    const payload = { ...event, at: this.now().toISOString() };
    return this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK_KEY]);
      const head = (await m.query('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')) as { seq: string; hash: string }[];
      const seq = head[0] ? Number(head[0].seq) + 1 : 1;
      const prev = head[0]?.hash ?? GENESIS_HASH;
      const hash = chainHash(prev, payload);
      await m.query('INSERT INTO audit_log (seq, prev_hash, hash, payload) VALUES ($1, $2, $3, $4)', [seq, prev, hash, JSON.stringify(payload)]);
      return seq;
    });
  }

  /** Walks the whole chain in pages; reports OK or the first broken row. */
  async verify(): Promise<ChainVerdict> {
    let prev = GENESIS_HASH;
    let nextSeq = 1;
    let total = 0;
    for (;;) {
      const page = (await this.ds.query(
        'SELECT seq, prev_hash, hash, payload FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2',
        [nextSeq, VERIFY_PAGE],
      )) as { seq: string; prev_hash: string; hash: string; payload: unknown }[];
      if (page.length === 0) break;
      const verdict = verifyRows(
        page.map((r) => ({ seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, payload: r.payload })),
        prev,
        nextSeq,
      );
      if (!verdict.ok) return { ...verdict, rows: total + verdict.rows };
      total += verdict.rows;
      prev = verdict.head;
      nextSeq += page.length;
    }
    return { ok: true, rows: total, head: prev };
  }

  /** The most recent events, newest first (for /status and the dashboard). */
  async recent(limit = 20): Promise<{ seq: number; payload: Record<string, unknown> }[]> {
    const rows = (await this.ds.query('SELECT seq, payload FROM audit_log ORDER BY seq DESC LIMIT $1', [limit])) as { seq: string; payload: Record<string, unknown> }[];
    return rows.map((r) => ({ seq: Number(r.seq), payload: r.payload }));
  }
}

import type { UnitOfWork } from '../../adapters/db/port.js';
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
 * advisory lock before reading the head. Within a process, appends that
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
   */
  private writeBatch(payloads: Record<string, unknown>[]): Promise<number> {
    return this.db.oneTrip(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK_KEY}); SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`, async (client, opened) => {
      const head = opened[1]?.rows[0] as { seq: string; hash: string } | undefined;
      const first = head ? Number(head.seq) + 1 : 1;
      let prev = head?.hash ?? GENESIS_HASH;
      const values = payloads.map((payload, i) => {
        const hash = chainHash(prev, payload);
        const row = `(${first + i}, ${client.escapeLiteral(prev)}, ${client.escapeLiteral(hash)}, ${client.escapeLiteral(JSON.stringify(payload))}::jsonb)`;
        prev = hash;
        return row;
      });
      return { value: first, closing: `INSERT INTO audit_log (seq, prev_hash, hash, payload) VALUES ${values.join(', ')}` };
    });
  }

  /** Walks the whole chain in pages; reports OK or the first broken row. */
  async verify(): Promise<ChainVerdict> {
    let prev = GENESIS_HASH;
    let nextSeq = 1;
    let total = 0;
    for (;;) {
      const page = await this.db.rows<{ seq: string; prev_hash: string; hash: string; payload: unknown }>(
        'SELECT seq, prev_hash, hash, payload FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2',
        [nextSeq, VERIFY_PAGE],
      );
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
    const rows = await this.db.rows<{ seq: string; payload: Record<string, unknown> }>('SELECT seq, payload FROM audit_log ORDER BY seq DESC LIMIT $1', [limit]);
    return rows.map((r) => ({ seq: Number(r.seq), payload: r.payload }));
  }
}

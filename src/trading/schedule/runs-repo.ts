import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { legacyJobIdOf, type Occurrence } from '../../engine/schedule/plan.js';
import { MARKET_IDS, type Market } from '../../engine/market/markets.js';
import { pgBool, pgInt, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';

/** A `scheduled_runs` row. */
export interface ScheduledRunRow {
  slotKey: string;
  market: Market;
  slot: string;
  sessionDate: string;
  dueAt: Date;
  enqueuedAt: Date | null;
  enqueuedBy: string | null;
  caughtUp: boolean;
  attempts: number;
  lastError: string | null;
}

/** Result of trying to claim an occurrence. */
export type ClaimResult =
  /** This caller owns it and must enqueue it now. */
  | 'claimed'
  /** Already enqueued (by this or another instance): nothing to do, ever. */
  | 'done'
  /** Another instance claimed it moments ago and has not confirmed yet: look again on a later tick. */
  | 'busy';

const COLUMNS = `slot_key, market, slot, session_date::text AS session_date, due_at, enqueued_at, enqueued_by, caught_up, attempts, last_error`;

/** A `scheduled_runs` row as {@link COLUMNS} selects it (`session_date` cast to text). */
const RawRowSchema = z.object({
  slot_key: pgText,
  market: z.enum(MARKET_IDS as [Market, ...Market[]]),
  slot: pgText,
  session_date: pgText,
  due_at: pgTimestamp,
  enqueued_at: pgTimestamp.nullable(),
  enqueued_by: pgText.nullable(),
  caught_up: pgBool,
  attempts: pgInt,
  last_error: pgText.nullable(),
});
type RawRow = z.output<typeof RawRowSchema>;
const SlotKeyRow = z.object({ slot_key: pgText });
const EnqueuedAtRow = z.object({ enqueued_at: pgTimestamp.nullable() });
const LegacyClaimRow = z.object({ enqueued_at: pgTimestamp.nullable(), claimed_at: pgTimestamp.nullable() });
/** min() over no rows is null. */
const FirstDueRow = z.object({ first: pgTimestamp.nullable() });

function toRow(r: RawRow): ScheduledRunRow {
  return {
    slotKey: r.slot_key,
    market: r.market,
    slot: r.slot,
    sessionDate: r.session_date,
    dueAt: r.due_at,
    enqueuedAt: r.enqueued_at,
    enqueuedBy: r.enqueued_by,
    caughtUp: r.caught_up,
    attempts: r.attempts,
    lastError: r.last_error,
  };
}

/**
 * The scheduler's record of what it enqueued. A row is claimed before the job
 * is enqueued: the primary key on `slot_key` lets exactly one replica win.
 * A claim whose owner never confirmed the enqueue (it crashed, or Redis was
 * down) may be taken over once its lease has expired; the BullMQ jobId is the
 * same string, so even that rare second enqueue is a no-op in the queue.
 *
 * Keys are `sched-<market>-<slot>-<date>` since issue 15. A US occurrence also
 * answers to its older key `sched-<slot>-<date>` (see `legacySlotJobId`): a
 * row under it, written before the upgrade, counts as the same run, so a slot
 * that ran on the day of the deploy is not run again. Every insert names its
 * market (the column's US default is only for rows written before issue 15).
 */
export class ScheduledRuns {
  constructor(private readonly db: SqlSession) {}

  async claim(o: Occurrence, instance: string, caughtUp: boolean, nowMs: number, leaseMs: number): Promise<ClaimResult> {
    const legacy = legacyJobIdOf(o);
    if (legacy !== null) {
      // A pre-upgrade run of the same slot and date: enqueued → done; claimed within its lease → wait, as for any claim.
      const old = await rowOf(this.db, LegacyClaimRow, `SELECT enqueued_at, claimed_at FROM scheduled_runs WHERE slot_key = $1`, [legacy]);
      if (old?.enqueued_at) return 'done';
      if (old?.claimed_at && old.claimed_at.getTime() > nowMs - leaseMs) return 'busy';
    }
    // INSERT … ON CONFLICT: the first replica inserts; the others only take over an expired, unconfirmed claim.
    const rows = await rowsOf(
      this.db,
      SlotKeyRow,
      `INSERT INTO scheduled_runs (slot_key, market, slot, session_date, due_at, enqueued_by, caught_up, claimed_at)
       VALUES ($1, $9, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (slot_key) DO UPDATE
         SET claimed_at = EXCLUDED.claimed_at, enqueued_by = EXCLUDED.enqueued_by, caught_up = EXCLUDED.caught_up,
             attempts = scheduled_runs.attempts + 1
         WHERE scheduled_runs.enqueued_at IS NULL
           AND (scheduled_runs.claimed_at IS NULL OR scheduled_runs.claimed_at <= $8)
       RETURNING slot_key`,
      [o.jobId, o.slot.slot, o.sessionDate, new Date(o.dueAt), instance, caughtUp, new Date(nowMs), new Date(nowMs - leaseMs), o.market],
    );
    if (rows.length > 0) return 'claimed';
    const cur = await rowOf(this.db, EnqueuedAtRow, `SELECT enqueued_at FROM scheduled_runs WHERE slot_key = $1`, [o.jobId]);
    return cur?.enqueued_at ? 'done' : 'busy';
  }

  /** Confirms the enqueue (only the current claimant can). */
  async confirm(slotKey: string, instance: string, nowMs: number): Promise<void> {
    await this.db.exec(`UPDATE scheduled_runs SET enqueued_at = $3, last_error = NULL WHERE slot_key = $1 AND enqueued_by = $2 AND enqueued_at IS NULL`, [
      slotKey,
      instance,
      new Date(nowMs),
    ]);
  }

  /** Gives a claim back after a failed enqueue, so the next tick (of any replica) retries at once. */
  async release(slotKey: string, instance: string, error: string): Promise<void> {
    await this.db.exec(`UPDATE scheduled_runs SET claimed_at = NULL, last_error = $3 WHERE slot_key = $1 AND enqueued_by = $2 AND enqueued_at IS NULL`, [
      slotKey,
      instance,
      error.slice(0, 2000),
    ]);
  }

  async get(slotKey: string): Promise<ScheduledRunRow | null> {
    const row = await rowOf(this.db, RawRowSchema, `SELECT ${COLUMNS} FROM scheduled_runs WHERE slot_key = $1`, [slotKey]);
    return row ? toRow(row) : null;
  }

  /** Rows of session dates `from`..`to` (inclusive), of one market or all, in due order. */
  async between(from: string, to: string, market?: Market): Promise<ScheduledRunRow[]> {
    const rows = await rowsOf(
      this.db,
      RawRowSchema,
      `SELECT ${COLUMNS} FROM scheduled_runs WHERE session_date BETWEEN $1 AND $2 AND ($3::text IS NULL OR market = $3) ORDER BY due_at, slot`,
      [from, to, market ?? null],
    );
    return rows.map(toRow);
  }

  /** Which of `slotKeys` have a confirmed enqueue. */
  async enqueued(slotKeys: readonly string[]): Promise<Set<string>> {
    if (slotKeys.length === 0) return new Set();
    const rows = await rowsOf(this.db, SlotKeyRow, `SELECT slot_key FROM scheduled_runs WHERE slot_key = ANY($1) AND enqueued_at IS NOT NULL`, [slotKeys]);
    return new Set(rows.map((r) => r.slot_key));
  }

  /**
   * Which of `occurrences` have a confirmed enqueue, by jobId: under their key,
   * or (US, runs from before issue 15) under their legacy key.
   */
  async enqueuedOf(occurrences: readonly Occurrence[]): Promise<Set<string>> {
    const keyOf = new Map<string, string>();
    for (const o of occurrences) {
      keyOf.set(o.jobId, o.jobId);
      const legacy = legacyJobIdOf(o);
      if (legacy !== null) keyOf.set(legacy, o.jobId);
    }
    const found = await this.enqueued([...keyOf.keys()]);
    return new Set([...found].map((k) => keyOf.get(k)!));
  }

  /**
   * Due time of the oldest row (of `market`, when given): since when the
   * scheduler has been keeping records here (null = never). Rows from before
   * issue 15 are US (the column's default).
   */
  async firstDueAt(market?: Market): Promise<number | null> {
    const row = await rowOf(this.db, FirstDueRow, `SELECT min(due_at) AS first FROM scheduled_runs WHERE $1::text IS NULL OR market = $1`, [market ?? null]);
    return row?.first ? row.first.getTime() : null;
  }
}

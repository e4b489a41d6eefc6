import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession, UnitOfWork } from '../../adapters/db/port.js';
import type { KillSwitchMirror } from '../../adapters/redis/port.js';
import { pgBool, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';
import { withTimeout } from '../../lib/timeout.js';
import type { AuditLog } from '../audit/audit-log.js';
import { OWE_CANCEL_SQL } from './cancel-owed.js';
import { decideKillSwitch, type KillSwitchState, type NumberedRecord } from './verdict.js';

export { type KillSwitchState } from './verdict.js';

/** How long a mirror read or write may take before the mirror counts as unreachable. */
const MIRROR_TIMEOUT_MS = 500;

/**
 * How often every process re-reads both stores when nobody else does, so a
 * store that fell behind (a kill held only in Redis while Postgres was down,
 * a mirror emptied by a Redis restart) is repaired without waiting for an order.
 */
export const KILL_SWITCH_REPAIR_INTERVAL_MS = 5_000;

const KillSwitchRow = z.object({ engaged: pgBool, reason: pgText.nullable(), changed_by: pgText.nullable(), changed_at: pgTimestamp, epoch: pgNumeric });
const SELECT_ROW = 'SELECT engaged, reason, changed_by::text AS changed_by, changed_at, epoch::text AS epoch FROM kill_switch WHERE id = 1';

/** The epoch an engage or resume moved the switch to (`epoch::text`). */
const EpochRow = z.object({ epoch: pgNumeric });
const ENGAGE_SQL =
  'UPDATE kill_switch SET engaged = true, reason = $1, changed_by = $2, changed_at = $3, epoch = GREATEST(epoch + 1, $4) WHERE id = 1 RETURNING epoch::text AS epoch';
const RESUME_SQL =
  "UPDATE kill_switch SET engaged = false, reason = 'resumed', changed_by = $1, changed_at = $2, epoch = epoch + 1 WHERE id = 1 AND epoch = $3 RETURNING epoch::text AS epoch";

/** What the switch logs: why a store's failure was absorbed, and an audit append that failed. */
export type KillSwitchLog = Pick<Logger, 'debug' | 'warn' | 'error'>;

/**
 * The kill switch: Postgres is the system of record, the mirror (Redis) a
 * copy that any process can read in well under a millisecond. Every engage
 * and every resume bumps the kill epoch; between the copies the higher epoch
 * wins, and whoever reads the switch writes the winner to a copy that is
 * behind (so a kill engaged while Postgres was down reaches Postgres when it
 * is back). Each process also remembers the newest copy it has seen: when
 * Postgres is down AND Redis restarts empty, the processes that engaged or
 * saw the kill still hold it, refuse orders and re-seed both stores.
 *
 * Engaging writes the mirror first (every process sees it at once), then
 * Postgres. Resuming needs both stores to answer (the mirror may hold a newer
 * kill than Postgres) and is conditional on the epoch it confirms. A store
 * that cannot be read makes `state()` say engaged: trading fails closed.
 */
export class KillSwitch {
  /** The newest copy this process has seen (see the class comment). */
  private known: NumberedRecord | null = null;

  constructor(
    private readonly db: SqlSession & Pick<UnitOfWork, 'transaction'>,
    private readonly mirror: KillSwitchMirror,
    private readonly audit: AuditLog,
    private readonly log?: KillSwitchLog,
  ) {}

  /**
   * Turns the switch on. In Postgres the same transaction records the
   * cancel-all this kill owes (see cancel-owed.ts), so the cancel-all never
   * depends on a reply or a queued job; `chatId` is where its proof goes.
   */
  async engage(reason: string, by: number | string, opts: { chatId?: number } = {}): Promise<KillSwitchState> {
    const at = new Date();
    const who = String(by);
    const floor = this.known?.epoch ?? 0;
    const mirrored = await withTimeout(this.mirror.engage({ reason, by: who, at: at.toISOString() }, floor), MIRROR_TIMEOUT_MS, 'redis engage').catch((err: unknown) => {
      this.log?.debug({ err }, 'the mirror did not take the kill: Postgres and this process hold it; a reader repairs the mirror later');
      return null;
    });
    if (mirrored !== null) this.remember({ engaged: true, epoch: mirrored, reason, by: who, at: at.toISOString() });
    let recorded: number | null = null;
    let inPostgres = false;
    try {
      recorded = await this.db.transaction(async (tx) => {
        const row = await rowOf(tx, EpochRow, ENGAGE_SQL, [reason, toBigint(by), at, mirrored ?? floor + 1]);
        const epoch = row ? Number(row.epoch) : null;
        if (epoch !== null) await tx.exec(OWE_CANCEL_SQL, [epoch, at, who, opts.chatId ?? null, reason]);
        return epoch;
      });
      inPostgres = true;
    } catch (err) {
      // Postgres did not take it: the mirror and this process hold it; readers repair Postgres later.
      this.log?.warn({ err, mirrored: mirrored !== null }, 'Postgres did not take the kill: the mirror and this process hold it until a reader repairs Postgres');
    }
    if (inPostgres) {
      if (recorded !== null) this.remember({ engaged: true, epoch: recorded, reason, by: who, at: at.toISOString() });
      // The kill holds without its audit row (refusing orders matters more), but the missing row must be seen.
      await this.audit
        .append({ action: 'killswitch.engaged', actor: by, reason, epoch: recorded, redisMirrored: mirrored !== null })
        .catch((err: unknown) => this.log?.error({ err, epoch: recorded, reason, by: who }, 'the kill is engaged but its audit append (killswitch.engaged) failed'));
    }
    if (mirrored === null && recorded === null) {
      // Neither store: this process still holds it, so it refuses orders and writes it to the first store that comes back.
      this.remember({ engaged: true, epoch: floor + 1, reason, by: who, at: at.toISOString() });
      throw new KillSwitchUnavailableError('engage');
    }
    return this.state();
  }

  /**
   * Turns the switch off. `expectedEpoch` (a confirmation's epoch; default:
   * the epoch read now) must still be current, else nothing changes and
   * {@link KillSwitchChangedError} says what it is now.
   */
  async resume(by: number | string, opts: { expectedEpoch?: number } = {}): Promise<KillSwitchState> {
    // Reading first also writes a newer copy held only in Redis (or here) to Postgres, so the conditional update below sees it.
    const now = await this.state();
    if (now.postgres === 'unreachable') throw new KillSwitchUnavailableError('resume', 'postgres');
    if (now.redis === 'unreachable') throw new KillSwitchUnavailableError('resume', 'redis');
    const expected = opts.expectedEpoch ?? now.epoch;
    if (expected === null || expected !== now.epoch) throw new KillSwitchChangedError(now);
    const at = new Date();
    const row = await rowOf(this.db, EpochRow, RESUME_SQL, [toBigint(by), at, expected]);
    if (!row) throw new KillSwitchChangedError(await this.state());
    const epoch = Number(row.epoch);
    const record = { engaged: false, epoch, reason: 'resumed', by: String(by), at: at.toISOString() };
    this.remember(record);
    await this.audit.append({ action: 'killswitch.resumed', actor: by, epoch });
    // If the mirror write fails, state() reads the mirror as unreachable (still engaged) until a reader repairs it.
    await withTimeout(this.mirror.offer(record), MIRROR_TIMEOUT_MS, 'redis set').catch((err: unknown) => {
      this.log?.debug({ err, epoch }, 'the mirror did not take the resume: it reads as unreachable (engaged) until a reader repairs it');
      return false;
    });
    return this.state();
  }

  /**
   * Reads both stores (and this process's memory); the highest epoch wins.
   * Used right before every broker submission. Repairs a store that is
   * behind before answering; never throws.
   */
  async state(): Promise<KillSwitchState> {
    // What this process knew when the read began: a change made while the stores are read is seen by the next read, as with the stores themselves.
    const memory = this.known;
    const [postgres, redis] = await Promise.all([
      rowOf(this.db, KillSwitchRow, SELECT_ROW)
        .then((r): NumberedRecord =>
          r
            ? { engaged: r.engaged, epoch: Number(r.epoch), reason: r.reason, by: r.changed_by, at: r.changed_at.toISOString() }
            : { engaged: false, epoch: 0, reason: null, by: null, at: new Date(0).toISOString() },
        )
        .catch((err: unknown) => {
          this.log?.debug({ err }, 'kill switch: Postgres unreadable, counted as unreachable (fails closed)');
          return 'unreachable' as const;
        }),
      withTimeout(this.mirror.read(), MIRROR_TIMEOUT_MS, 'redis get').catch((err: unknown) => {
        this.log?.debug({ err }, 'kill switch: the mirror unreadable, counted as unreachable (fails closed)');
        return 'unreachable' as const;
      }),
    ]);
    const v = decideKillSwitch({ postgres, redis, memory });
    if (v.winner) this.remember(v.winner);
    // state() never throws: a repair that fails is tried again by the next read.
    if (v.winner && v.repairPostgres)
      await this.repairPostgres(v.winner, v.source ?? 'memory').catch((err: unknown) =>
        this.log?.warn({ err, epoch: v.winner?.epoch }, 'kill switch: could not repair Postgres (or audit the repair); the next read tries again'),
      );
    if (v.winner && v.repairRedis)
      await withTimeout(this.mirror.offer(v.winner), MIRROR_TIMEOUT_MS, 'redis set').catch((err: unknown) =>
        this.log?.debug({ err, epoch: v.winner?.epoch }, 'kill switch: could not repair the mirror; the next read tries again'),
      );
    return v.state;
  }

  /**
   * Brings both stores up to the newest copy known (at start-up, when Redis
   * is ready again, and every {@link KILL_SWITCH_REPAIR_INTERVAL_MS}). Never throws.
   */
  async syncMirror(): Promise<void> {
    await this.state();
  }

  private remember(r: NumberedRecord): void {
    if (!this.known || r.epoch > this.known.epoch || (r.epoch === this.known.epoch && r.engaged && !this.known.engaged)) this.known = { ...r };
  }

  /**
   * Writes a newer copy to Postgres (only if Postgres is still behind it),
   * audited. A kill that reaches Postgres this way owes its cancel-all too.
   */
  private async repairPostgres(w: NumberedRecord, from: string): Promise<void> {
    const n = await this.db.transaction(async (tx) => {
      const changed = await tx.exec('UPDATE kill_switch SET engaged = $1, reason = $2, changed_by = $3, changed_at = $4, epoch = $5 WHERE id = 1 AND epoch < $5', [
        w.engaged,
        w.reason,
        w.by === null ? null : toBigint(w.by),
        new Date(w.at),
        w.epoch,
      ]);
      if (changed > 0 && w.engaged) await tx.exec(OWE_CANCEL_SQL, [w.epoch, new Date(w.at), w.by, null, w.reason]);
      return changed;
    });
    if (n > 0) await this.audit.append({ action: 'killswitch.repaired', actor: w.by ?? 'system', from, engaged: w.engaged, epoch: w.epoch, reason: w.reason, at: w.at });
  }
}

/** The store(s) a change needs did not answer; nothing changed (for engage: neither store took it). */
export class KillSwitchUnavailableError extends Error {
  override readonly name = 'KillSwitchUnavailableError';
  constructor(
    readonly op: 'engage' | 'resume',
    readonly store: 'both' | 'postgres' | 'redis' = 'both',
  ) {
    super(
      op === 'engage' || store === 'both'
        ? `Could not ${op} the kill switch: neither Postgres nor Redis answered. Check both services (/status) and try again; stop the worker processes if trading must halt now.`
        : store === 'postgres'
          ? 'Could not resume the kill switch: Postgres does not answer. Nothing changed; try again once it is back (/status).'
          : 'Could not resume the kill switch: Redis (its mirror) does not answer and may hold a newer /kill. Nothing changed; try again once Redis is back (/status).',
    );
  }
}

/** The kill switch is no longer in the state a change was confirmed for (its epoch moved). Nothing changed. */
export class KillSwitchChangedError extends Error {
  override readonly name = 'KillSwitchChangedError';
  constructor(readonly state: KillSwitchState) {
    super(`The kill switch changed (epoch ${String(state.epoch)}${state.changedAt ? `, at ${state.changedAt.toISOString()}` : ''}); nothing was changed.`);
  }
}

function toBigint(by: number | string): string | null {
  return typeof by === 'number' || /^\d+$/.test(by) ? String(by) : null;
}

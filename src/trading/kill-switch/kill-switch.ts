import type { SqlSession } from '../../adapters/db/port.js';
import type { KillSwitchMirror } from '../../adapters/redis/port.js';
import { withTimeout } from '../../lib/timeout.js';
import type { AuditLog } from '../audit/audit-log.js';

/** What the kill switch says, from each store, and the combined verdict. */
export interface KillSwitchState {
  /** True if EITHER store says engaged, or a store could not be read: trading fails closed. */
  engaged: boolean;
  reason: string | null;
  changedBy: string | null;
  changedAt: Date | null;
  postgres: boolean | 'unreachable';
  redis: boolean | 'unreachable';
}

/** How long a mirror read or write may take before the mirror counts as unreachable. */
const MIRROR_TIMEOUT_MS = 500;

interface KillSwitchRow {
  engaged: boolean;
  reason: string | null;
  changed_by: string | null;
  changed_at: Date;
}

const SELECT_ROW = 'SELECT engaged, reason, changed_by, changed_at FROM kill_switch WHERE id = 1';

/**
 * The kill switch: Postgres is the system of record, the mirror (Redis) a
 * copy that any process can read in well under a millisecond. Engaging writes
 * the mirror first then Postgres; resuming clears Postgres first then the
 * mirror. So a half-done change always leaves at least one store engaged, and
 * `state()` treats "either engaged or unreadable" as engaged.
 */
export class KillSwitch {
  constructor(
    private readonly db: SqlSession,
    private readonly mirror: KillSwitchMirror,
    private readonly audit: AuditLog,
  ) {}

  async engage(reason: string, by: number | string): Promise<KillSwitchState> {
    const record = JSON.stringify({ reason, by: String(by), at: new Date().toISOString() });
    const mirrored = await withTimeout(this.mirror.write(record), MIRROR_TIMEOUT_MS, 'redis set').then(
      () => true,
      () => false,
    );
    let pgError: unknown = null;
    try {
      await this.db.exec('UPDATE kill_switch SET engaged = true, reason = $1, changed_by = $2, changed_at = now() WHERE id = 1', [reason, toBigint(by)]);
      await this.audit.append({ action: 'killswitch.engaged', actor: by, reason, redisMirrored: mirrored });
    } catch (err) {
      pgError = err;
    }
    if (!mirrored && pgError) throw new KillSwitchUnavailableError('engage');
    return this.state();
  }

  async resume(by: number | string): Promise<KillSwitchState> {
    await this.db.exec("UPDATE kill_switch SET engaged = false, reason = 'resumed', changed_by = $1, changed_at = now() WHERE id = 1", [toBigint(by)]);
    await this.audit.append({ action: 'killswitch.resumed', actor: by });
    await withTimeout(this.mirror.clear(), MIRROR_TIMEOUT_MS, 'redis del');
    return this.state();
  }

  /** Reads both stores. Used right before every broker submission. */
  async state(): Promise<KillSwitchState> {
    const [pg, rd] = await Promise.all([
      this.db
        .rows<KillSwitchRow>(SELECT_ROW)
        .then((rows) => rows[0] ?? null)
        .catch(() => 'unreachable' as const),
      withTimeout(this.mirror.read(), MIRROR_TIMEOUT_MS, 'redis get').catch(() => 'unreachable' as const),
    ]);
    const pgEngaged = pg === 'unreachable' ? 'unreachable' : Boolean(pg?.engaged);
    const redisEngaged = rd === 'unreachable' ? 'unreachable' : rd !== null;
    const mirror = typeof rd === 'string' && rd !== 'unreachable' ? safeParse(rd) : null;
    const pgRow = pg !== 'unreachable' && pg ? pg : null;
    const engaged = pgEngaged !== false || redisEngaged !== false;
    return {
      engaged,
      reason: pgRow?.engaged ? pgRow.reason : (mirror?.reason ?? (engaged ? 'state unreadable: failing closed' : null)),
      changedBy: pgRow?.changed_by ?? mirror?.by ?? null,
      changedAt: pgRow?.changed_at ?? (mirror?.at ? new Date(mirror.at) : null),
      postgres: pgEngaged,
      redis: redisEngaged,
    };
  }

  /** At start-up: make the mirror agree with Postgres (never clears an engaged mirror blindly). */
  async syncMirror(): Promise<void> {
    const row = (await this.db.rows<KillSwitchRow>(SELECT_ROW))[0];
    if (row?.engaged) {
      await this.mirror.write(JSON.stringify({ reason: row.reason, by: row.changed_by, at: row.changed_at.toISOString() }));
    }
  }
}

/** Neither store accepted the change. */
export class KillSwitchUnavailableError extends Error {
  override readonly name = 'KillSwitchUnavailableError';
  constructor(op: 'engage' | 'resume') {
    super(`Could not ${op} the kill switch: neither Postgres nor Redis answered. Check both services (/status) and try again; stop the worker processes if trading must halt now.`);
  }
}

function toBigint(by: number | string): string | null {
  return typeof by === 'number' || /^\d+$/.test(by) ? String(by) : null;
}

function safeParse(text: string): { reason?: string; by?: string; at?: string } | null {
  try {
    return JSON.parse(text) as { reason?: string; by?: string; at?: string };
  } catch {
    return { reason: text };
  }
}

import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession, UnitOfWork } from '../../adapters/db/port.js';
import { pgInt, pgJson, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { recordCancelCauses } from '../execution/cancel-causes.js';
import { placedByCourtside } from '../execution/ids.js';
import type { Broker } from '../../adapters/brokers/port.js';
import type { AuditSink } from '../execution/audit-journal.js';
import type { Notifier } from '../notifier.js';
import type { KillSwitchState } from './verdict.js';

/**
 * The cancel-all a kill owes: engaging the kill switch writes one row per
 * kill epoch (in the same transaction as the switch), and only a worker that
 * has proven the brokers hold no open order deletes it. So the cancel-all
 * never depends on the chat reply or on a queued job being delivered: a lost
 * job, a dead worker or a Redis outage only delay it until the next start-up,
 * reconciliation, Redis return or poll.
 */
export interface OwedCancel {
  /** The kill epoch whose engage owes it. */
  epoch: number;
  since: Date;
  requestedBy: string | null;
  /** Where the /kill came from (the proof goes there); null: every admin hears it. */
  chatId: number | null;
  reason: string | null;
  attempts: number;
  lastError: string | null;
  /** Orders each broker's cancel-all calls for this kill have cancelled so far (a re-run adds, never replaces). */
  cancelled: Record<string, number>;
}

/** Advisory-lock namespace of the owed cancel-all: one worker performs it at a time. */
export const CANCEL_OWED_LOCK = 774_219_104;
const LOCK_KEY = 'cancel-owed';

/**
 * The statement that records an owed cancel-all; run it in the engage's
 * transaction. Parameters: epoch, since, requested_by, chat_id, reason.
 */
export const OWE_CANCEL_SQL = 'INSERT INTO cancel_owed (epoch, since, requested_by, chat_id, reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (epoch) DO NOTHING';

/** `cancelled` (jsonb) is checked by {@link countsOf}: a hand-edited row keeps only whole counts. */
const OwedRow = z.object({
  epoch: pgNumeric,
  since: pgTimestamp,
  requested_by: pgText.nullable(),
  chat_id: pgNumeric.nullable(),
  reason: pgText.nullable(),
  attempts: pgInt,
  last_error: pgText.nullable(),
  cancelled: pgJson,
});
const OWED_SQL = 'SELECT epoch::text AS epoch, since, requested_by, chat_id::text AS chat_id, reason, attempts, last_error, cancelled FROM cancel_owed ORDER BY epoch';
const NOTE_ATTEMPT_SQL = 'UPDATE cancel_owed SET attempts = attempts + 1, last_attempt_at = now(), last_error = $2 WHERE epoch = ANY($1::bigint[])';

/** Every owed cancel-all, oldest first. */
export async function owedCancels(db: SqlSession): Promise<OwedCancel[]> {
  const rows = await rowsOf(db, OwedRow, OWED_SQL);
  return rows.map((r) => ({
    epoch: Number(r.epoch),
    since: r.since,
    requestedBy: r.requested_by,
    chatId: r.chat_id === null ? null : Number(r.chat_id),
    reason: r.reason,
    attempts: r.attempts,
    lastError: r.last_error,
    cancelled: countsOf(r.cancelled),
  }));
}

/** The stored per-broker counts, whole numbers only (a hand-edited row cannot make the proof lie). */
function countsOf(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (typeof raw !== 'object' || raw === null) return out;
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) out[k] = v;
  return out;
}

/** What one broker said: cancelled by the call, and open orders on a fresh look afterwards. */
export interface BrokerCancelProof {
  cancelled: number;
  openAfter: number;
}

/** What performing the owed cancel-alls did. */
export type CancelOwedOutcome =
  /** Nothing was owed. */
  | { kind: 'none' }
  /** Another worker holds the lock and is performing it. */
  | { kind: 'busy' }
  /** Proven (every broker 0 open), stored, sent and cleared. */
  | { kind: 'settled'; epochs: number[]; brokers: Record<string, BrokerCancelProof> }
  /** The switch was resumed after these kills: the cancel-all is no longer wanted; cleared. */
  | { kind: 'superseded'; epochs: number[]; currentEpoch: number }
  /** Orders still open, or a broker, the audit or the outbox did not answer: the rows stay for the next try. */
  | { kind: 'unsettled'; epochs: number[]; brokers: Record<string, BrokerCancelProof>; error: string | null };

/** What performing the owed cancel-alls needs. */
export interface CancelOwedDeps {
  db: UnitOfWork;
  /** Every broker this deployment trades through (the proof is per broker). */
  brokers: Pick<Broker, 'name' | 'cancelAllOrders' | 'listOpenOrders'>[];
  audit: AuditSink;
  publisher: Pick<Notifier, 'publish'>;
  /** Admin chats: the proof of a kill without a chat (e.g. the circuit breaker's) goes to them. */
  admins: () => number[];
  killSwitch: { state(): Promise<KillSwitchState> };
  /** How long to wait for another worker's lock (default 0: it is performing it). */
  lockWaitMs?: number;
  /** Where absorbed failures are told (an audit append that failed at warn). {@link OwedCancelRunner} passes its own. */
  log?: Pick<Logger, 'debug' | 'warn'>;
}

/**
 * Performs every owed cancel-all once, under an advisory lock so two workers
 * do not race (idempotent: cancelling at a broker with nothing open is a
 * no-op). The rows are deleted only after the proof (each broker's open
 * orders, looked up afresh, is 0) is in the audit log AND the admin notice
 * is on the outbox under a stable key; any failure leaves them for the next
 * try. Never throws for a broker, audit or outbox failure (the outcome says
 * so); throws only when Postgres itself cannot be read.
 */
export async function performOwedCancels(deps: CancelOwedDeps, trigger: string): Promise<CancelOwedOutcome> {
  // A cheap read first: the common case (nothing owed) takes no lock.
  if ((await owedCancels(deps.db)).length === 0) return { kind: 'none' };
  const res = await deps.db.withAdvisoryLock(CANCEL_OWED_LOCK, LOCK_KEY, deps.lockWaitMs ?? 0, () => performLocked(deps, trigger));
  return res === 'busy' ? { kind: 'busy' } : res;
}

async function performLocked(deps: CancelOwedDeps, trigger: string): Promise<CancelOwedOutcome> {
  // Read again under the lock: the worker that held it may have settled everything.
  const owed = await owedCancels(deps.db);
  if (owed.length === 0) return { kind: 'none' };
  const epochs = owed.map((o) => o.epoch);
  const newest = Math.max(...epochs);

  const state = await deps.killSwitch.state();
  if (!state.engaged && state.epoch !== null && state.epoch > newest) {
    // Resumed after these kills: cancelling now would cancel orders placed since, which nobody asked
    // for. Dropped, but not silently: the audit entry and the admins get what is open at each broker
    // now, and the row is cleared only once that notice is on the outbox.
    const current = state.epoch;
    const openNow: Record<string, { symbol: string; status: string }[] | null> = {};
    for (const b of deps.brokers) openNow[b.name] = await b.listOpenOrders({ urgent: true }).then((os) => os.map(openEntry), () => null);
    await deps.audit.append({ action: 'killswitch.cancel_all.superseded', actor: 'system', trigger, epochs, currentEpoch: current, openNow });
    try {
      for (const b of deps.brokers) {
        for (const chatId of recipientsOf(owed, deps.admins)) {
          await deps.publisher.publish(
            chatId,
            { kind: 'execution.cancel-all', broker: b.name, cancelled: 0, stillOpen: openNow[b.name] ?? [], superseded: { kill: newest, epoch: current } },
            { key: `cancel-owed-${newest}-${b.name}-superseded-to-${chatId}` },
          );
        }
      }
    } catch (err) {
      const why = (err instanceof Error ? err.message : String(err)).slice(0, 300);
      await noteAttempt(deps, epochs, `superseded; notice not sent: ${why}`);
      return { kind: 'unsettled', epochs, brokers: {}, error: why };
    }
    await clear(deps.db, epochs);
    return { kind: 'superseded', epochs, currentEpoch: current };
  }

  const brokers: Record<string, BrokerCancelProof> = {};
  const stillOpen: Record<string, OpenEntry[]> = {};
  let error: string | null = null;
  for (const b of deps.brokers) {
    // What earlier runs for these kills cancelled at this broker: a re-run's DELETE finds them gone.
    const before = owed.reduce((sum, o) => sum + (o.cancelled[b.name] ?? 0), 0);
    try {
      const res = await b.cancelAllOrders();
      // Counted before anything else can fail (the look afterwards may get a 429): the next run adds to it.
      // With the broker's ids each order counts once (one still `pending_cancel` is listed again by the
      // next run's DELETE), and its booking later says "cancelled by /kill".
      const fresh = res.orderIds ? await recordCancelCauses(deps.db, b.name, res.orderIds, 'kill', newest) : res.cancelled;
      if (fresh > 0) await addCancelled(deps.db, newest, b.name, fresh);
      // The proof is a fresh look at the broker, not the cancel call's own count; it may use the reserved budget.
      const open = await b.listOpenOrders({ urgent: true });
      brokers[b.name] = { cancelled: before + fresh, openAfter: open.length };
      stillOpen[b.name] = open.map(openEntry);
    } catch (err) {
      error = `${b.name}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300);
    }
  }
  const proven = error === null && deps.brokers.every((b) => brokers[b.name]?.openAfter === 0);
  const requestedBy = owed.at(-1)?.requestedBy ?? 'system';
  const recipients = recipientsOf(owed, deps.admins);
  if (!proven) {
    await noteAttempt(deps, epochs, error ?? 'orders still open');
    // The rows stay and the next try appends again, but a missing audit row must be seen.
    await deps.audit
      .append({ action: 'killswitch.cancel_all.unsettled', actor: requestedBy, trigger, epochs, brokers, error })
      .catch((err: unknown) => deps.log?.warn({ err, epochs, trigger }, 'audit append (killswitch.cancel_all.unsettled) failed; the cancel-all stays owed'));
    // The admins hear once per kill that orders are still open (every later try is in /status and the audit log).
    if (error === null && owed.every((o) => o.attempts === 0)) {
      for (const b of deps.brokers) {
        for (const chatId of recipients) {
          await deps.publisher
            .publish(chatId, { kind: 'execution.cancel-all', broker: b.name, cancelled: brokers[b.name]!.cancelled, stillOpen: stillOpen[b.name] ?? [] }, { key: `cancel-owed-${newest}-${b.name}-open-to-${chatId}` })
            .catch((err: unknown) =>
              deps.log?.debug({ err, chatId, broker: b.name }, 'still-open notice not queued: the outcome (unsettled) is logged and /status shows the owed cancel-all'),
            );
        }
      }
    }
    return { kind: 'unsettled', epochs, brokers, error };
  }
  try {
    await deps.audit.append({ action: 'killswitch.cancel_all', actor: requestedBy, trigger, epochs, brokers });
    for (const b of deps.brokers) {
      for (const chatId of recipients) {
        // A stable key: a retry after a crash between this and the delete sends nothing twice.
        await deps.publisher.publish(chatId, { kind: 'execution.cancel-all', broker: b.name, cancelled: brokers[b.name]!.cancelled, stillOpen: [] }, { key: `cancel-owed-${newest}-${b.name}-to-${chatId}` });
      }
    }
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).slice(0, 300);
    await noteAttempt(deps, epochs, `proof not sent: ${why}`);
    return { kind: 'unsettled', epochs, brokers, error: why };
  }
  await clear(deps.db, epochs);
  return { kind: 'settled', epochs, brokers };
}

type OpenEntry = { symbol: string; status: string; foreign?: boolean };

/** An order still open at the broker, as the proof lists it (flagged when Courtside did not place it). */
function openEntry(o: { symbol: string; status: string; clientOrderId: string }): OpenEntry {
  return { symbol: o.symbol, status: o.status, ...(placedByCourtside(o.clientOrderId) ? {} : { foreign: true }) };
}

/** Adds `n` to what the cancel-all of kill `epoch` has cancelled at `broker`. */
async function addCancelled(db: SqlSession, epoch: number, broker: string, n: number): Promise<void> {
  await db.exec(
    `UPDATE cancel_owed SET cancelled = jsonb_set(cancelled, ARRAY[$2::text], to_jsonb(COALESCE((cancelled->>$2::text)::int, 0) + $3::int)) WHERE epoch = $1`,
    [epoch, broker, n],
  );
}

/** Counts a failed try on the rows; best effort: the rows stay owed either way and the outcome carries the error. */
async function noteAttempt(deps: CancelOwedDeps, epochs: number[], lastError: string): Promise<void> {
  await deps.db
    .exec(NOTE_ATTEMPT_SQL, [epochs, lastError])
    .catch((err: unknown) => deps.log?.debug({ err, epochs }, 'could not count the failed cancel-all try; the rows stay owed and the next try counts again'));
}

async function clear(db: SqlSession, epochs: number[]): Promise<void> {
  await db.exec('DELETE FROM cancel_owed WHERE epoch = ANY($1::bigint[])', [epochs]);
}

/** The kill chats (each once); every admin when no kill came from a chat. */
function recipientsOf(owed: OwedCancel[], admins: () => number[]): number[] {
  const chats = [...new Set(owed.map((o) => o.chatId).filter((c): c is number => c !== null))];
  return chats.length > 0 ? chats : [...new Set(admins())];
}

/** How often a worker looks for an owed cancel-all nobody has performed (a lost job, a Redis outage). */
export const CANCEL_OWED_POLL_MS = 5_000;

/**
 * One process's way in to {@link performOwedCancels}: calls made while one is
 * running share it (start-up, the poll, Redis returning, a reconciliation and
 * the /kill job often coincide), and a failure is logged, never thrown, so a
 * trigger cannot crash its caller.
 */
export class OwedCancelRunner {
  private running: Promise<CancelOwedOutcome | null> | null = null;

  constructor(
    private readonly deps: CancelOwedDeps,
    private readonly log: Pick<Logger, 'debug' | 'info' | 'warn'>,
  ) {}

  run(trigger: string): Promise<CancelOwedOutcome | null> {
    this.running ??= performOwedCancels({ log: this.log, ...this.deps }, trigger)
      .then((out) => {
        if (out.kind === 'settled' || out.kind === 'superseded') this.log.info({ trigger, ...out }, 'owed cancel-all settled');
        else if (out.kind === 'unsettled') this.log.warn({ trigger, ...out }, 'owed cancel-all not settled yet; will try again');
        return out;
      })
      .catch((err: unknown) => {
        this.log.warn({ err, trigger }, 'could not read or perform the owed cancel-all; will try again');
        return null;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}

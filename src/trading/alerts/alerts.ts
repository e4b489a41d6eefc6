import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgInt, pgJson, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import type { Notifier } from '../notifier.js';
import { parseAlertDetail, parseResolveDetail, type AlertDetail, type RaisedAlertDetail, type RaisedResolveDetail, type ResolveDetail } from './details.js';
import type { AlertFigures, AlertsNotice } from './notices.js';

export type AlertSeverity = 'info' | 'warning' | 'critical';
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** Alert kinds used across the app (free text is allowed too; these keep the digest's grouping stable). */
export const ALERT_KINDS = {
  jobFailed: 'job-failed',
  brokerRejected: 'broker-rejected',
  orderAmbiguous: 'order-ambiguous',
  accountBlocked: 'account-blocked',
  dataStale: 'data-stale',
  reconcileMismatch: 'reconcile-mismatch',
  heartbeat: 'heartbeat',
  scheduleMissed: 'schedule-missed',
} as const;

/**
 * Alert keys: one key = one condition. While it is open, raising it again
 * sends nothing new; resolving it sends one "recovered" message.
 */
export const alertKeys = {
  /** A job that failed after its retries; resolve when one of that name completes. */
  jobFailed: (jobName: string) => `job.failed:${jobName}`,
  /** The broker rejected orders; resolve on the next accepted order. */
  brokerRejected: (broker: string) => `broker.rejected:${broker}`,
  /** The broker account's own flags forbid trading; a start-up check that finds it clear resolves it. */
  accountBlocked: (broker: string) => `broker.account_blocked:${broker}`,
  /** Another order holds this order's client order id at the broker; an admin settles it (/stuck, /resolve). */
  orderAmbiguous: (clientOrderId: string) => `order.ambiguous:${clientOrderId}`,
  /** Market data is stale; resolve when fresh data arrives. */
  dataStale: (source: string) => `data.stale:${source}`,
  /** Positions/orders disagree with the broker; resolve when a reconciliation matches. */
  reconcileMismatch: (account: string) => `reconcile.mismatch:${account}`,
  /** A process role has no fresh heartbeat (dead-man). */
  heartbeat: (role: string) => `deadman.heartbeat:${role}`,
  /** A scheduled slot was due and has no record it was enqueued (dead-man). */
  slotMissed: (slot: string) => `deadman.slot:${slot}`,
};

export interface AlertInput {
  key: string;
  kind: string;
  severity?: AlertSeverity;
  /** What the raiser found, as a code and figures (faces word it). Each raise replaces the stored one. */
  detail: RaisedAlertDetail;
}

/** An `alerts` row. */
export interface AlertView {
  key: string;
  kind: string;
  severity: AlertSeverity;
  /** The latest raiser's finding (rows from before typed alerts: `recorded`). */
  detail: AlertDetail;
  state: 'open' | 'resolved';
  firstAt: Date;
  lastAt: Date;
  resolvedAt: Date | null;
  /** How many times it was raised in this episode. */
  count: number;
  notifiedAt: Date | null;
  recoveredNotifiedAt: Date | null;
  /** What the resolver found (null: open, or resolved without a word). */
  resolveDetail: ResolveDetail | null;
}

/** Admin user ids from the allow-list (`config.telegram.allowed`); a user's private chat id is their user id. */
export function adminChatIds(allowed: ReadonlyMap<number, string>): number[] {
  return [...allowed].filter(([, role]) => role === 'admin').map(([id]) => id);
}

/** Where a failed send is reported (a pino logger fits). */
export interface AlertsLog {
  warn(obj: object, msg: string): void;
}

export interface AlertsOptions {
  db: SqlSession;
  /** Tells admins (each message published with a stable key); null: record only, never message (e.g. a CLI). */
  notifier: Pick<Notifier, 'publish'> | null;
  /** Chats to tell (admins); a function is read at every send. */
  admins: readonly number[] | (() => readonly number[]);
  log?: AlertsLog;
  /** Injectable clock (epoch ms). */
  now?: () => number;
}

export interface RaiseResult {
  /** A new episode began (the key was absent or resolved). */
  opened: boolean;
  /** Admins were messaged by this call. */
  notified: boolean;
  count: number;
}

export interface ResolveResult {
  /** The key was open and is now resolved. */
  resolved: boolean;
  /** The "recovered" message was sent by this call. */
  notified: boolean;
}

// Every statement here stays reviewed SQL: the raise is an upsert with CASE, resolve/claim/unclaim are
// compare-and-sets, and the plain reads (get, list, owed) take the session callers type as
// UnitOfWork/SqlSession, without `tables` (the test helpers' SchedDb.uow and World.uow() among them).
// `message` / `resolve_message` are the pre-typed text columns: left NULL by new rows (the migration copied old text into `recorded` details).
const SELECT = `key, kind, severity, detail, state, first_at, last_at, resolved_at, count, notified_at, recovered_notified_at, resolve_detail`;

const AlertState = z.enum(['open', 'resolved']);
const RawAlert = z.object({
  key: pgText,
  kind: pgText,
  severity: z.enum(['info', 'warning', 'critical']),
  /** jsonb, parsed by the driver; read through parseAlertDetail. */
  detail: pgJson,
  state: AlertState,
  first_at: pgTimestamp,
  last_at: pgTimestamp,
  resolved_at: pgTimestamp.nullable(),
  count: pgInt,
  notified_at: pgTimestamp.nullable(),
  recovered_notified_at: pgTimestamp.nullable(),
  resolve_detail: pgJson,
});
type RawAlert = z.output<typeof RawAlert>;

/** What a raise left: the episode's count and whether its opening was sent. */
const RaisedRow = z.object({ count: pgInt, notified_at: pgTimestamp.nullable() });
// In ON CONFLICT … SET, `alerts.*` are the row's values before this statement: a resolved row starts a new episode.
const RAISE_SQL = `INSERT INTO alerts (key, kind, severity, detail, state, first_at, last_at, count)
       VALUES ($1, $2, $3, $4::jsonb, 'open', $5, $5, 1)
       ON CONFLICT (key) DO UPDATE SET
         kind = EXCLUDED.kind,
         severity = EXCLUDED.severity,
         detail = EXCLUDED.detail,
         message = NULL,
         last_at = GREATEST(alerts.last_at, EXCLUDED.last_at),
         count = CASE WHEN alerts.state = 'open' THEN alerts.count + 1 ELSE 1 END,
         first_at = CASE WHEN alerts.state = 'open' THEN alerts.first_at ELSE EXCLUDED.first_at END,
         notified_at = CASE WHEN alerts.state = 'open' THEN alerts.notified_at ELSE NULL END,
         recovered_notified_at = CASE WHEN alerts.state = 'open' THEN alerts.recovered_notified_at ELSE NULL END,
         resolved_at = CASE WHEN alerts.state = 'open' THEN alerts.resolved_at ELSE NULL END,
         resolve_detail = CASE WHEN alerts.state = 'open' THEN alerts.resolve_detail ELSE NULL END,
         resolve_message = CASE WHEN alerts.state = 'open' THEN alerts.resolve_message ELSE NULL END,
         state = 'open'
       RETURNING count, notified_at`;
const KeyRow = z.object({ key: pgText });
const RESOLVE_SQL = `UPDATE alerts SET state = 'resolved', resolved_at = $2, resolve_detail = $3::jsonb WHERE key = $1 AND state = 'open' RETURNING key`;
const OwedRow = z.object({ key: pgText, state: AlertState });
const OWED_SQL = `SELECT key, state FROM alerts
       WHERE (state = 'open' AND notified_at IS NULL)
          OR (state = 'resolved' AND notified_at IS NOT NULL AND recovered_notified_at IS NULL)
       ORDER BY last_at LIMIT 100`;

function toView(r: RawAlert): AlertView {
  return {
    key: r.key,
    kind: r.kind,
    severity: r.severity,
    detail: parseAlertDetail(r.detail),
    state: r.state,
    firstAt: r.first_at,
    lastAt: r.last_at,
    resolvedAt: r.resolved_at,
    count: r.count,
    notifiedAt: r.notified_at,
    recoveredNotifiedAt: r.recovered_notified_at,
    resolveDetail: parseResolveDetail(r.resolve_detail),
  };
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

/**
 * Admin alerts, de-duplicated by key in Postgres so any number of processes
 * can raise the same condition: while a key is open, raising it again only
 * counts; admins are messaged once when it opens and once when it is resolved.
 * Each message is claimed in the row before it is published (exactly one
 * process sends it) as a typed notice with a stable key (the notify jobId); a
 * failed send is un-claimed and retried by {@link Alerts.flush}.
 */
export class Alerts {
  private readonly now: () => number;

  constructor(private readonly opts: AlertsOptions) {
    this.now = opts.now ?? Date.now;
  }

  private admins(): readonly number[] {
    return typeof this.opts.admins === 'function' ? this.opts.admins() : this.opts.admins;
  }

  /** Opens the alert, or counts another occurrence of an open one; messages admins when it opens. */
  async raise(input: AlertInput): Promise<RaiseResult> {
    const severity = input.severity ?? 'warning';
    if (!ALERT_SEVERITIES.includes(severity)) throw new RangeError(`unknown alert severity "${severity}"`);
    const now = new Date(this.now());
    const rows = await rowsOf(this.opts.db, RaisedRow, RAISE_SQL, [input.key, input.kind, severity, JSON.stringify(input.detail), now]);
    const row = rows[0]!;
    const notified = row.notified_at === null ? await this.notifyOpen(input.key) : false;
    return { opened: row.count === 1, notified, count: row.count };
  }

  /** Resolves an open alert; messages admins "recovered" once if they had been told it was open. `note`: what the resolver found. */
  async resolve(key: string, note?: RaisedResolveDetail): Promise<ResolveResult> {
    const now = new Date(this.now());
    const rows = await rowsOf(this.opts.db, KeyRow, RESOLVE_SQL, [key, now, note ? JSON.stringify(note) : null]);
    if (rows.length === 0) return { resolved: false, notified: false };
    return { resolved: true, notified: await this.notifyRecovered(key) };
  }

  /** Alerts, newest first: by default the open ones. */
  async list(filter: { state?: 'open' | 'resolved' | 'all'; since?: Date; kind?: string; limit?: number } = {}): Promise<AlertView[]> {
    return listAlerts(this.opts.db, filter);
  }

  async get(key: string): Promise<AlertView | null> {
    const row = await rowOf(this.opts.db, RawAlert, `SELECT ${SELECT} FROM alerts WHERE key = $1`, [key]);
    return row ? toView(row) : null;
  }

  /** Sends messages that are owed (an earlier send failed, or no admin was configured then). Returns how many went out. */
  async flush(): Promise<number> {
    const rows = await rowsOf(this.opts.db, OwedRow, OWED_SQL);
    let sent = 0;
    for (const r of rows) if (await (r.state === 'open' ? this.notifyOpen(r.key) : this.notifyRecovered(r.key))) sent++;
    return sent;
  }

  private notifyOpen(key: string): Promise<boolean> {
    return this.claimAndSend(key, 'notified_at', `state = 'open' AND notified_at IS NULL`, (_row, a) => ({
      notice: { kind: 'alert.opened', alert: figures(a) },
      jobIdBase: `alert-open-${shortHash(a.key)}-${a.firstAt.getTime()}`,
    }));
  }

  private notifyRecovered(key: string): Promise<boolean> {
    return this.claimAndSend(key, 'recovered_notified_at', `state = 'resolved' AND notified_at IS NOT NULL AND recovered_notified_at IS NULL`, (_row, a, claimedAt) => ({
      notice: { kind: 'alert.recovered', alert: figures(a), note: a.resolveDetail, claimedAt },
      jobIdBase: `alert-recovered-${shortHash(a.key)}-${a.firstAt.getTime()}`,
    }));
  }

  /**
   * Claims one notification by stamping `column` (only where `pending` holds, so replicas never
   * both send it), sends the message to every admin, and releases the claim if sending failed so
   * the next pass retries.
   */
  private async claimAndSend(
    key: string,
    column: 'notified_at' | 'recovered_notified_at',
    pending: string,
    noticeOf: (row: RawAlert, a: AlertView, claimedAt: Date) => { notice: AlertsNotice; jobIdBase: string },
  ): Promise<boolean> {
    const admins = this.admins();
    const notifier = this.opts.notifier;
    if (!notifier || admins.length === 0) return false;
    const claimedAt = new Date(this.now());
    const row = await rowOf(this.opts.db, RawAlert, `UPDATE alerts SET ${column} = $2 WHERE key = $1 AND ${pending} RETURNING ${SELECT}`, [key, claimedAt]);
    if (!row) return false;
    const { notice, jobIdBase } = noticeOf(row, toView(row), claimedAt);
    try {
      await sendAll(notifier, admins, notice, jobIdBase);
      return true;
    } catch (err) {
      this.opts.log?.warn({ err, key, column }, 'alert message not delivered; will retry');
      await this.opts.db
        .exec(`UPDATE alerts SET ${column} = NULL WHERE key = $1 AND ${column} = $2`, [key, claimedAt])
        // Not a debug line: a claim that stays means this message is never retried.
        .catch((unclaimErr: unknown) => this.opts.log?.warn({ err: unclaimErr, key, column }, 'alert claim not released: this message will not be retried'));
      return false;
    }
  }
}

/** What an alerts notice says about an alert row. */
function figures(a: AlertView): AlertFigures {
  return { key: a.key, kind: a.kind, severity: a.severity, detail: a.detail, firstAt: a.firstAt, resolvedAt: a.resolvedAt, count: a.count };
}

/**
 * One message per admin, keyed `<jobIdBase>-<chat id>`; throws if any could
 * not be published (the stable keys make the retry a no-op for the others).
 */
async function sendAll(notifier: Pick<Notifier, 'publish'>, admins: readonly number[], notice: AlertsNotice, jobIdBase: string): Promise<void> {
  const results = await Promise.allSettled(admins.map((chatId) => notifier.publish(chatId, notice, { key: `${jobIdBase}-${chatId}` })));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Alerts from Postgres, newest first; by default the open ones. This is what
 * /status and /readyz show (`listAlerts(db)`), and what a digest reads for
 * "anything that failed today" (`{ state: 'all', since }`).
 */
export async function listAlerts(db: SqlSession, filter: { state?: 'open' | 'resolved' | 'all'; since?: Date; kind?: string; limit?: number } = {}): Promise<AlertView[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const state = filter.state ?? 'open';
  if (state !== 'all') {
    params.push(state);
    where.push(`state = $${params.length}`);
  }
  if (filter.since) {
    params.push(filter.since);
    where.push(`last_at >= $${params.length}`);
  }
  if (filter.kind) {
    params.push(filter.kind);
    where.push(`kind = $${params.length}`);
  }
  params.push(Math.max(1, Math.min(filter.limit ?? 50, 500)));
  const rows = await rowsOf(db, RawAlert, `SELECT ${SELECT} FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY last_at DESC, key LIMIT $${params.length}`, params);
  return rows.map(toView);
}

/** The current (open) alerts; the function /status and /readyz call. Never throws: an unreadable table yields [] (told to `log` at debug). */
export async function currentAlerts(db: SqlSession, log?: { debug(obj: object, msg: string): void }): Promise<AlertView[]> {
  return listAlerts(db, { state: 'open' }).catch((err: unknown): AlertView[] => {
    // /status shows Postgres itself as down; the alerts list is then empty rather than an error.
    log?.debug({ err }, 'alerts not read: /status shows none');
    return [];
  });
}

/** A BullMQ job as far as failure alerts care. */
export interface FailedJobLike {
  name: string;
  id?: string | undefined;
  queueName?: string;
  attemptsMade?: number;
}

/**
 * Hooks for the worker runtime: a job that failed for good opens
 * `job.failed:<name>`; the next completion of that name resolves it. Jobs in
 * `ignore` (default `notify.deliver`, whose alerts would travel through the
 * failing queue itself) are only logged by the caller.
 */
export function jobFailureAlerts(alerts: Alerts, opts: { ignore?: readonly string[] } = {}) {
  const ignore = new Set(opts.ignore ?? ['notify.deliver']);
  return {
    async onFinalFailure(job: FailedJobLike, err: Error): Promise<void> {
      if (ignore.has(job.name)) return;
      await alerts.raise({
        key: alertKeys.jobFailed(job.name),
        kind: ALERT_KINDS.jobFailed,
        severity: 'warning',
        detail: { code: 'job.failed', job: job.name, jobId: job.id || null, queue: job.queueName || null, attempts: job.attemptsMade ?? null, error: err.message.slice(0, 500) },
      });
    },
    async onCompleted(job: FailedJobLike): Promise<void> {
      if (ignore.has(job.name)) return;
      await alerts.resolve(alertKeys.jobFailed(job.name), { code: 'job.completing', job: job.name, jobId: job.id || null });
    },
  };
}

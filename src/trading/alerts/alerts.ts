import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { nyLocalParts } from '../../engine/calendar/index.js';
import { query } from '../../adapters/db/sql.js';

export type AlertSeverity = 'info' | 'warning' | 'critical';
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['info', 'warning', 'critical'];

/** Alert kinds used across the app (free text is allowed too; these keep the digest's grouping stable). */
export const ALERT_KINDS = {
  jobFailed: 'job-failed',
  brokerRejected: 'broker-rejected',
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
  message: string;
}

/** An `alerts` row. */
export interface AlertView {
  key: string;
  kind: string;
  severity: AlertSeverity;
  message: string;
  state: 'open' | 'resolved';
  firstAt: Date;
  lastAt: Date;
  resolvedAt: Date | null;
  /** How many times it was raised in this episode. */
  count: number;
  notifiedAt: Date | null;
  recoveredNotifiedAt: Date | null;
}

/** Sends one plain-text message to one chat; `jobId` makes a retried send a no-op. */
export type AlertSender = (chatId: number, text: string, jobId: string) => Promise<void>;

/** Adapter for the app's Outbox (src/notify/notifier.ts): goes through the notify queue. */
export function notifierSender(notifier: { text(chatId: number, msg: string, opts: { origin: string; jobId?: string }): Promise<void> }): AlertSender {
  return (chatId, text, jobId) => notifier.text(chatId, text, { origin: 'alert', jobId });
}

/** Admin user ids from the allow-list (`config.telegram.allowed`); a user's private chat id is their user id. */
export function adminChatIds(allowed: ReadonlyMap<number, string>): number[] {
  return [...allowed].filter(([, role]) => role === 'admin').map(([id]) => id);
}

export interface AlertsOptions {
  ds: DataSource;
  /** null: record only, never message (e.g. a CLI). */
  send: AlertSender | null;
  /** Chats to tell (admins); a function is read at every send. */
  admins: readonly number[] | (() => readonly number[]);
  log?: Logger;
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

const SELECT = `key, kind, severity, message, state, first_at, last_at, resolved_at, count, notified_at, recovered_notified_at, resolve_message`;

interface RawAlert {
  key: string;
  kind: string;
  severity: AlertSeverity;
  message: string;
  state: 'open' | 'resolved';
  first_at: Date;
  last_at: Date;
  resolved_at: Date | null;
  count: number;
  notified_at: Date | null;
  recovered_notified_at: Date | null;
  resolve_message: string | null;
}

function toView(r: RawAlert): AlertView {
  return {
    key: r.key,
    kind: r.kind,
    severity: r.severity,
    message: r.message,
    state: r.state,
    firstAt: r.first_at,
    lastAt: r.last_at,
    resolvedAt: r.resolved_at,
    count: r.count,
    notifiedAt: r.notified_at,
    recoveredNotifiedAt: r.recovered_notified_at,
  };
}

/** `2026-03-10 09:47 ET`. */
export function formatEt(ms: number): string {
  const p = nyLocalParts(ms);
  return `${p.date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')} ET`;
}

function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 16);
}

/**
 * Admin alerts, de-duplicated by key in Postgres so any number of processes
 * can raise the same condition: while a key is open, raising it again only
 * counts; admins are messaged once when it opens and once when it is resolved.
 * Each message is claimed in the row before it is enqueued (exactly one
 * process sends it) and carries a stable notify jobId; a failed send is
 * un-claimed and retried by {@link Alerts.flush}.
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
    // In ON CONFLICT … SET, `alerts.*` are the row's values before this statement: a resolved row starts a new episode.
    const rows = (await this.opts.ds.query(
      `INSERT INTO alerts (key, kind, severity, message, state, first_at, last_at, count)
       VALUES ($1, $2, $3, $4, 'open', $5, $5, 1)
       ON CONFLICT (key) DO UPDATE SET
         kind = EXCLUDED.kind,
         severity = EXCLUDED.severity,
         message = EXCLUDED.message,
         last_at = GREATEST(alerts.last_at, EXCLUDED.last_at),
         count = CASE WHEN alerts.state = 'open' THEN alerts.count + 1 ELSE 1 END,
         first_at = CASE WHEN alerts.state = 'open' THEN alerts.first_at ELSE EXCLUDED.first_at END,
         notified_at = CASE WHEN alerts.state = 'open' THEN alerts.notified_at ELSE NULL END,
         recovered_notified_at = CASE WHEN alerts.state = 'open' THEN alerts.recovered_notified_at ELSE NULL END,
         resolved_at = CASE WHEN alerts.state = 'open' THEN alerts.resolved_at ELSE NULL END,
         resolve_message = CASE WHEN alerts.state = 'open' THEN alerts.resolve_message ELSE NULL END,
         state = 'open'
       RETURNING count, notified_at`,
      [input.key, input.kind, severity, input.message, now],
    )) as { count: number; notified_at: Date | null }[];
    const row = rows[0]!;
    const notified = row.notified_at === null ? await this.notifyOpen(input.key) : false;
    return { opened: row.count === 1, notified, count: row.count };
  }

  /** Resolves an open alert; messages admins "recovered" once if they had been told it was open. */
  async resolve(key: string, note?: string): Promise<ResolveResult> {
    const now = new Date(this.now());
    const rows = await query<{ key: string }>(
      this.opts.ds,
      `UPDATE alerts SET state = 'resolved', resolved_at = $2, resolve_message = $3 WHERE key = $1 AND state = 'open' RETURNING key`,
      [key, now, note ?? null],
    );
    if (rows.length === 0) return { resolved: false, notified: false };
    return { resolved: true, notified: await this.notifyRecovered(key) };
  }

  /** Alerts, newest first: by default the open ones. */
  async list(filter: { state?: 'open' | 'resolved' | 'all'; since?: Date; kind?: string; limit?: number } = {}): Promise<AlertView[]> {
    return listAlerts(this.opts.ds, filter);
  }

  async get(key: string): Promise<AlertView | null> {
    const rows = (await this.opts.ds.query(`SELECT ${SELECT} FROM alerts WHERE key = $1`, [key])) as RawAlert[];
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Sends messages that are owed (an earlier send failed, or no admin was configured then). Returns how many went out. */
  async flush(): Promise<number> {
    const rows = (await this.opts.ds.query(
      `SELECT key, state FROM alerts
       WHERE (state = 'open' AND notified_at IS NULL)
          OR (state = 'resolved' AND notified_at IS NOT NULL AND recovered_notified_at IS NULL)
       ORDER BY last_at LIMIT 100`,
    )) as { key: string; state: 'open' | 'resolved' }[];
    let sent = 0;
    for (const r of rows) if (await (r.state === 'open' ? this.notifyOpen(r.key) : this.notifyRecovered(r.key))) sent++;
    return sent;
  }

  private notifyOpen(key: string): Promise<boolean> {
    return this.claimAndSend(key, 'notified_at', `state = 'open' AND notified_at IS NULL`, (_row, a) => ({
      text: [`🚨 ALERT (${a.severity}) · ${a.kind}`, a.message, `since ${formatEt(a.firstAt.getTime())} · key ${a.key}`].join('\n'),
      jobIdBase: `alert-open-${shortHash(a.key)}-${a.firstAt.getTime()}`,
    }));
  }

  private notifyRecovered(key: string): Promise<boolean> {
    return this.claimAndSend(key, 'recovered_notified_at', `state = 'resolved' AND notified_at IS NOT NULL AND recovered_notified_at IS NULL`, (row, a, claimedAt) => {
      const span = `open ${formatEt(a.firstAt.getTime())} → ${formatEt((a.resolvedAt ?? claimedAt).getTime())}${a.count > 1 ? `, seen ${a.count}×` : ''}`;
      return {
        text: [`✅ RECOVERED · ${a.kind}`, row.resolve_message ?? a.message, `${span} · key ${a.key}`].join('\n'),
        jobIdBase: `alert-recovered-${shortHash(a.key)}-${a.firstAt.getTime()}`,
      };
    });
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
    message: (row: RawAlert, a: AlertView, claimedAt: Date) => { text: string; jobIdBase: string },
  ): Promise<boolean> {
    const admins = this.admins();
    if (!this.opts.send || admins.length === 0) return false;
    const claimedAt = new Date(this.now());
    const rows = await query<RawAlert>(this.opts.ds, `UPDATE alerts SET ${column} = $2 WHERE key = $1 AND ${pending} RETURNING ${SELECT}`, [key, claimedAt]);
    const row = rows[0];
    if (!row) return false;
    const { text, jobIdBase } = message(row, toView(row), claimedAt);
    try {
      await this.sendAll(admins, text, jobIdBase);
      return true;
    } catch (err) {
      this.opts.log?.warn({ err, key, column }, 'alert message not delivered; will retry');
      await this.opts.ds.query(`UPDATE alerts SET ${column} = NULL WHERE key = $1 AND ${column} = $2`, [key, claimedAt]).catch(() => undefined);
      return false;
    }
  }

  /** One message per admin; throws if any could not be enqueued (stable jobIds make the retry a no-op for the others). */
  private async sendAll(admins: readonly number[], text: string, jobIdBase: string): Promise<void> {
    const results = await Promise.allSettled(admins.map((chatId) => this.opts.send!(chatId, text, `${jobIdBase}-${chatId}`)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/**
 * Alerts from Postgres, newest first; by default the open ones. This is what
 * /status and /readyz show (`listAlerts(ds)`), and what a digest reads for
 * "anything that failed today" (`{ state: 'all', since }`).
 */
export async function listAlerts(ds: DataSource, filter: { state?: 'open' | 'resolved' | 'all'; since?: Date; kind?: string; limit?: number } = {}): Promise<AlertView[]> {
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
  const rows = (await ds.query(
    `SELECT ${SELECT} FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY last_at DESC, key LIMIT $${params.length}`,
    params,
  )) as RawAlert[];
  return rows.map(toView);
}

/** The current (open) alerts; the function /status and /readyz call. Never throws: an unreadable table yields []. */
export async function currentAlerts(ds: DataSource): Promise<AlertView[]> {
  return listAlerts(ds, { state: 'open' }).catch(() => []);
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
      const where = job.queueName ? ` on queue ${job.queueName}` : '';
      const tries = job.attemptsMade !== undefined ? ` after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}` : '';
      await alerts.raise({
        key: alertKeys.jobFailed(job.name),
        kind: ALERT_KINDS.jobFailed,
        severity: 'warning',
        message: `Job ${job.name}${job.id ? ` (${job.id})` : ''}${where} failed${tries}: ${err.message.slice(0, 500)}`,
      });
    },
    async onCompleted(job: FailedJobLike): Promise<void> {
      if (ignore.has(job.name)) return;
      await alerts.resolve(alertKeys.jobFailed(job.name), `Job ${job.name} is completing again${job.id ? ` (${job.id})` : ''}.`);
    },
  };
}

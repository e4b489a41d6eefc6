import type { Role } from '../../lib/roles.js';
import { buildCloseDigestForDay, buildMorningDigest, sessionDateOf, type DigestDeps } from '../../trading/digest/build.js';
import type { DigestNotice } from '../../trading/digest/notices.js';
import { scheduledScansOn } from '../../trading/digest/scans.js';
import type { ScheduledScan } from '../../trading/digest/types.js';
import type { Notifier } from '../../trading/notifier.js';
import { recipientsFor, type Recipient } from '../../trading/settings/recipients.js';
import type { RiskSettings } from '../../trading/risk/settings.js';
import { buildSlots, type ScheduleSpec } from '../../engine/schedule/slots.js';
import { digestDeliveryJobId, type DigestSendPayload } from '../payloads/digest.js';

/** Where the digest job logs (a pino logger fits). */
export interface DigestLog {
  info(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

/** What the digest job needs: the digest's sources, the publisher, and the configuration it reads. */
export interface DigestApp extends DigestDeps {
  /** Where the digests go (the bot renders them, chart included). */
  publisher: Pick<Notifier, 'publish'>;
  config: {
    telegram: { allowed: ReadonlyMap<number, Role> };
    execution?: { dailyBudget: number };
    /** Scan times for the morning digest (when the scheduler is enabled). */
    schedule?: { enabled: boolean; spec: ScheduleSpec };
    /** The benchmark mark-to-market records (MTM_BENCHMARK). */
    exits?: { benchmark: string };
  };
  log: DigestLog;
  /** The VAR_* settings: the close digest then carries the book's value-at-risk line. */
  risk?: Pick<RiskSettings, 'varLookback' | 'varPaths' | 'varSeed'>;
}

export interface DigestHandlerOptions {
  /** The daily budget the morning digest compares against; default config.execution.dailyBudget. */
  dailyBudget?: number | null;
  /** The scans scheduled on a session date; default the `scan` slots of config.schedule when enabled, else none. */
  scheduledScans?: (sessionDate: string) => readonly ScheduledScan[];
  /** Default config.exits.benchmark, else SPY. */
  benchmarkSymbol?: string;
  now?: () => Date;
}

/** What one digest job did. */
export interface DigestSendResult {
  kind: DigestSendPayload['kind'];
  sessionDate: string;
  /** Chats a digest was published to. */
  sent: number;
  /** Of which silent. */
  silent: number;
}

/** The handler's view of a job run (a subset of worker-runtime's JobRun). */
interface DigestRun {
  job: { id?: string | undefined };
  log?: DigestLog;
}

/**
 * Handlers for the `digest.send` job (register it on the `commands` queue).
 * Builds the digest once and publishes the same notice to every chat (the
 * bot draws its chart once): keyed `<job id>-reply` for /digest,
 * `digest-<kind>-<date>-u<user>` per recipient for scheduled digests, so a
 * retry never posts twice.
 */
export function digestHandlers(app: DigestApp, opts: DigestHandlerOptions = {}) {
  return {
    'digest.send': (p: DigestSendPayload, run: DigestRun): Promise<DigestSendResult> => sendDigest(app, opts, p, run),
  };
}

/** The scheduler's scan times on a date, from config (none when the scheduler is off). */
function configuredScans(app: DigestApp): (sessionDate: string) => readonly ScheduledScan[] {
  const schedule = app.config.schedule;
  if (!schedule?.enabled) return () => [];
  const slots = buildSlots(schedule.spec);
  return (sessionDate) => scheduledScansOn(slots, sessionDate);
}

export async function sendDigest(app: DigestApp, opts: DigestHandlerOptions, p: DigestSendPayload, run: DigestRun): Promise<DigestSendResult> {
  const log = run.log ?? app.log;
  const now = opts.now?.() ?? new Date();
  const sessionDate = p.sessionDate ?? sessionDateOf(now);
  let notice: DigestNotice;
  if (p.kind === 'morning') {
    const digest = await buildMorningDigest(app, {
      now,
      sessionDate,
      dailyBudget: opts.dailyBudget !== undefined ? opts.dailyBudget : (app.config.execution?.dailyBudget ?? null),
      scheduledScans: (opts.scheduledScans ?? configuredScans(app))(sessionDate),
    });
    notice = { kind: 'digest.morning', digest };
  } else {
    const benchmarkSymbol = opts.benchmarkSymbol ?? app.config.exits?.benchmark;
    // On a day without a session there is no close to report: the use case says so instead.
    const digest = await buildCloseDigestForDay(app, { now, sessionDate, ...(benchmarkSymbol ? { benchmarkSymbol } : {}), ...(app.risk ? { risk: app.risk } : {}) });
    notice = digest.kind === 'close' ? { kind: 'digest.close', digest } : { kind: 'digest.no-session', digest };
  }

  let targets: (Recipient & { key: string })[];
  if (p.chatId !== undefined && p.userId !== undefined) {
    targets = [{ chatId: p.chatId, userId: p.userId, role: p.role ?? 'viewer', silent: false, key: `${run.job.id ?? `digest-${p.kind}-${sessionDate}-c${p.chatId}`}-reply` }];
  } else {
    const recipients = await recipientsFor('digest', app.db, app.config.telegram.allowed);
    targets = recipients.map((r) => ({ ...r, key: digestDeliveryJobId(p.kind, sessionDate, r.userId) }));
    if (targets.length === 0) log.info({ kind: p.kind, sessionDate }, 'nobody receives digests (all turned off)');
  }
  for (const t of targets) {
    await app.publisher.publish(t.chatId, notice, { key: t.key, ...(t.silent ? { silent: true } : {}) });
  }
  return { kind: p.kind, sessionDate, sent: targets.length, silent: targets.filter((t) => t.silent).length };
}

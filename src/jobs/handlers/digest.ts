import type { Role } from '../../lib/roles.js';
import { buildCloseDigestForDay, buildMorningDigest, sessionDateOf, type DigestDeps } from '../../trading/digest/build.js';
import { marketBookHasNews } from '../../trading/digest/activity.js';
import type { DigestNotice } from '../../trading/digest/notices.js';
import { scheduledScansOn } from '../../trading/digest/scans.js';
import type { ScheduledScan } from '../../trading/digest/types.js';
import type { Notifier } from '../../trading/notifier.js';
import { broadcastPlan, type Recipient } from '../../trading/settings/recipients.js';
import type { RiskSettings } from '../../trading/risk/settings.js';
import { buildSlots, REGULAR_HOURS, type ScheduleSpec } from '../../engine/schedule/slots.js';
import { marketPlan } from '../../engine/schedule/market-plan.js';
import type { Market } from '../../engine/market/markets.js';
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
    /** The KR digest's budget (EXEC_DAILY_BUDGET_KR, won) and scan times (SCHEDULE_SCANS_KR, when the scheduler is enabled). */
    kr?: { execution?: { dailyBudget: number }; schedule?: ScheduleSpec };
  };
  log: DigestLog;
  /** The VAR_* settings: the close digest then carries the book's value-at-risk line. */
  risk?: Pick<RiskSettings, 'varLookback' | 'varPaths' | 'varSeed'>;
}

export interface DigestHandlerOptions {
  /** The daily budget the US morning digest compares against; default config.execution.dailyBudget. (KR: config.kr.execution.dailyBudget.) */
  dailyBudget?: number | null;
  /** The US scans scheduled on a session date; default the `scan` slots of config.schedule when enabled, else none. (KR: config.kr.schedule's.) */
  scheduledScans?: (sessionDate: string) => readonly ScheduledScan[];
  /** Default config.exits.benchmark, else SPY. */
  benchmarkSymbol?: string;
  now?: () => Date;
  /**
   * Markets whose SCHEDULED digest is skipped when their book has nothing to report on that
   * session day (no open position, no pick, approval or order of the day: see marketBookHasNews).
   * Why: every user gets KR digests by default, at night New York time, and on a US-only setup
   * the KR book is empty. /digest asked for by hand always answers. Default none (every
   * scheduled digest is sent, as before); the worker's wiring passes ['KR']. US is never skipped.
   */
  skipEmptyBooks?: readonly Market[];
}

/** What one digest job did. */
export interface DigestSendResult {
  kind: DigestSendPayload['kind'];
  /** Present for a KR digest (absent = US, as before markets). */
  market?: Market;
  sessionDate: string;
  /** Chats a digest was published to. */
  sent: number;
  /** Of which silent. */
  silent: number;
  /** Scheduled digests only: chats whose quiet hours held it back (present when any did). */
  quiet?: number;
  /** Present (true) when a scheduled digest was not sent because the market's book had nothing to report. */
  emptyBook?: true;
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
 * `digest-<kind>-<date>-u<user>` per recipient for scheduled digests
 * (`digest-kr-<kind>-…` for KR), so a retry never posts twice.
 *
 * A scheduled digest goes to each allow-listed user whose digest choice for
 * its market is not off, except chats whose quiet hours hold the moment it is
 * sent: those are skipped (not sent later; /digest answers at any hour).
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

/** The KR scan times on a Seoul date, from SCHEDULE_SCANS_KR on KRX sessions (none when the scheduler is off). */
function configuredKrScans(app: DigestApp): (sessionDate: string) => readonly ScheduledScan[] {
  const spec = app.config.kr?.schedule;
  if (!app.config.schedule?.enabled || !spec) return () => [];
  const slots = buildSlots({ ...spec, morningDigest: [], closeDigest: [], exits: [], mark: [], reconcile: [] }, REGULAR_HOURS.KR);
  const plan = marketPlan('KR');
  return (sessionDate) => scheduledScansOn(slots, sessionDate, plan);
}

export async function sendDigest(app: DigestApp, opts: DigestHandlerOptions, p: DigestSendPayload, run: DigestRun): Promise<DigestSendResult> {
  const log = run.log ?? app.log;
  const now = opts.now?.() ?? new Date();
  const market: Market = p.market ?? 'US';
  const us = market === 'US';
  const sessionDate = p.sessionDate ?? sessionDateOf(now, market);
  const marketOpt = us ? {} : { market };
  const scheduled = p.chatId === undefined || p.userId === undefined;
  // A scheduled digest of an empty book (a US-only setup's KR book) is not sent: see skipEmptyBooks.
  if (scheduled && !us && opts.skipEmptyBooks?.includes(market) && !(await marketBookHasNews(app.db, market, sessionDate))) {
    log.info({ kind: p.kind, market, sessionDate }, 'scheduled digest not sent: the book has nothing to report that day (/digest still answers)');
    return { kind: p.kind, ...marketOpt, sessionDate, sent: 0, silent: 0, emptyBook: true };
  }
  let notice: DigestNotice;
  if (p.kind === 'morning') {
    const digest = await buildMorningDigest(app, {
      now,
      ...marketOpt,
      sessionDate,
      dailyBudget: us ? (opts.dailyBudget !== undefined ? opts.dailyBudget : (app.config.execution?.dailyBudget ?? null)) : (app.config.kr?.execution?.dailyBudget ?? null),
      scheduledScans: (us ? (opts.scheduledScans ?? configuredScans(app)) : configuredKrScans(app))(sessionDate),
    });
    notice = { kind: 'digest.morning', digest };
  } else {
    // KR has no benchmark (the use case leaves it out); the US one is MTM_BENCHMARK, else SPY.
    const benchmarkSymbol = us ? (opts.benchmarkSymbol ?? app.config.exits?.benchmark) : undefined;
    // On a day without a session there is no close to report: the use case says so instead.
    const digest = await buildCloseDigestForDay(app, { now, ...marketOpt, sessionDate, ...(benchmarkSymbol ? { benchmarkSymbol } : {}), ...(app.risk ? { risk: app.risk } : {}) });
    notice = digest.kind === 'close' ? { kind: 'digest.close', digest } : { kind: 'digest.no-session', digest };
  }

  let targets: (Recipient & { key: string })[];
  let quiet = 0;
  if (p.chatId !== undefined && p.userId !== undefined) {
    // Asked for by hand: always answered, whatever the settings and quiet hours.
    targets = [{ chatId: p.chatId, userId: p.userId, role: p.role ?? 'viewer', silent: false, key: `${run.job.id ?? `digest-${p.kind}-${sessionDate}-c${p.chatId}`}-reply` }];
  } else {
    // The send time is now (a caught-up slot is sent now, so its quiet-hours check is for now too).
    const plan = await broadcastPlan('digest', app.db, app.config.telegram.allowed, { market, at: now });
    quiet = plan.quiet.length;
    targets = plan.recipients.map((r) => ({ ...r, key: digestDeliveryJobId(p.kind, sessionDate, r.userId, market) }));
    if (quiet > 0) log.info({ kind: p.kind, market, sessionDate, users: plan.quiet }, 'digest held back by quiet hours');
    if (targets.length === 0) log.info({ kind: p.kind, ...marketOpt, sessionDate }, quiet > 0 ? 'nobody receives this digest (off, or inside quiet hours)' : 'nobody receives digests (all turned off)');
  }
  for (const t of targets) {
    await app.publisher.publish(t.chatId, notice, { key: t.key, ...(t.silent ? { silent: true } : {}) });
  }
  return { kind: p.kind, ...marketOpt, sessionDate, sent: targets.length, silent: targets.filter((t) => t.silent).length, ...(quiet > 0 ? { quiet } : {}) };
}

import type { Logger } from 'pino';
import type { ChartRenderer } from '../../adapters/charts/port.js';
import type { Role } from '../../lib/roles.js';
import { buildCloseDigest, buildMorningDigest, sessionDateOf, type DigestDeps } from '../../trading/digest/build.js';
import { digestDeliveryJobId, type DigestSendPayload } from '../payloads/digest.js';
import { scheduledScansOn } from '../../trading/digest/scans.js';
import type { ScheduledScan } from '../../trading/digest/types.js';
import { buildSlots, type ScheduleSpec } from '../../engine/schedule/slots.js';
import type { Formatted } from '../../bot/format/message.js';
import { asFormatted } from '../../bot/format/message.js';
import { recipientsFor, type Recipient } from '../../trading/settings/recipients.js';
import type { NotifyOp } from '../payloads/common.js';

/** What the digest job needs from the notifier (`silent`: Telegram `disable_notification`). */
export interface DigestNotifier {
  deliver(chatId: number, ops: NotifyOp[], origin: string, jobId?: string, delayMs?: number, silent?: boolean): Promise<void>;
  photoOp(png: Buffer, caption?: string | Formatted): Promise<NotifyOp>;
}

/** The parts of AppContext the digest job uses. */
export interface DigestApp extends DigestDeps {
  notifier: DigestNotifier;
  charts: ChartRenderer;
  config: {
    telegram: { allowed: ReadonlyMap<number, Role> };
    execution?: { dailyBudget: number };
    /** Scan times for the morning digest (when the scheduler is enabled). */
    schedule?: { enabled: boolean; spec: ScheduleSpec };
    /** The benchmark mark-to-market records (MTM_BENCHMARK). */
    exits?: { benchmark: string };
  };
  log: Logger;
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
  /** Chats a digest was queued for. */
  sent: number;
  /** Of which silent. */
  silent: number;
  chart: boolean;
}

/** The handler's view of a job run (a subset of worker-runtime's JobRun). */
interface DigestRun {
  job: { id?: string | undefined };
  log?: Logger;
}

/**
 * Handlers for the `digest.send` job (register it on the `commands` queue).
 * Builds the digest once, renders the chart once, then queues one notify job
 * per chat: `<job id>-reply` for /digest, `digest-<kind>-<date>-u<user>` per
 * recipient for scheduled digests, so a retry never posts twice.
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
  const ops: NotifyOp[] = [];
  let chart = false;
  if (p.kind === 'morning') {
    const built = await buildMorningDigest(app, {
      now,
      sessionDate,
      dailyBudget: opts.dailyBudget !== undefined ? opts.dailyBudget : (app.config.execution?.dailyBudget ?? null),
      scheduledScans: (opts.scheduledScans ?? configuredScans(app))(sessionDate),
    });
    ops.push({ kind: 'text', ...asFormatted(built.message) });
  } else {
    const benchmarkSymbol = opts.benchmarkSymbol ?? app.config.exits?.benchmark;
    const built = await buildCloseDigest(app, { now, sessionDate, ...(benchmarkSymbol ? { benchmarkSymbol } : {}) });
    ops.push({ kind: 'text', ...asFormatted(built.message) });
    if (built.chart) {
      try {
        const png = await app.charts.render(built.chart);
        ops.push(await app.notifier.photoOp(png, `📈 Equity, last ${built.data.curve.dates.length} sessions${built.chart.series.length > 1 ? ` vs ${built.data.benchmark.symbol} (dashed)` : ''}`));
        chart = true;
      } catch (err) {
        // The numbers matter more than the picture: send the text alone.
        log.warn({ err, sessionDate }, 'digest chart failed; sending the digest without it');
      }
    }
  }

  const origin = `digest-${p.kind}`;
  let targets: (Recipient & { jobId: string })[];
  if (p.chatId !== undefined && p.userId !== undefined) {
    targets = [{ chatId: p.chatId, userId: p.userId, role: p.role ?? 'viewer', silent: false, jobId: `${run.job.id ?? `digest-${p.kind}-${sessionDate}-c${p.chatId}`}-reply` }];
  } else {
    const recipients = await recipientsFor('digest', app.ds, app.config.telegram.allowed);
    targets = recipients.map((r) => ({ ...r, jobId: digestDeliveryJobId(p.kind, sessionDate, r.userId) }));
    if (targets.length === 0) log.info({ kind: p.kind, sessionDate }, 'nobody receives digests (all turned off)');
  }
  for (const t of targets) {
    await app.notifier.deliver(t.chatId, ops, origin, t.jobId, undefined, t.silent);
  }
  return { kind: p.kind, sessionDate, sent: targets.length, silent: targets.filter((t) => t.silent).length, chart };
}

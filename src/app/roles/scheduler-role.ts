import type { Config } from '../config/config.js';
import { bindSlots, startScheduler, type EnqueueFn, type Scheduler, type SlotRun } from '../../jobs/scheduler/runner.js';
import type { JobProducer } from '../../jobs/producer.js';
import { REGULAR_HOURS, buildSlots, openQueueSlots, type SlotDef, type SlotKind } from '../../engine/schedule/slots.js';
import type { Market } from '../../engine/market/markets.js';
import type { AppContext } from '../context.js';
import { reviewWeeklyJobId } from '../../jobs/payloads/review.js';

/** A running scheduler role. */
export interface SchedulerRole {
  scheduler: Scheduler;
  stop(): Promise<void>;
}

/** `market` only when not US: US payloads stay as they were before markets (absent = US). */
function marketField(r: SlotRun): { market?: Market } {
  return r.market !== undefined && r.market !== 'US' ? { market: r.market } : {};
}

/**
 * What each slot kind enqueues. Every job uses the slot's date-keyed jobId
 * (`sched-<market>-<slot>-<date>`, market lower-case; the weekly review `review-weekly-us-<date>`), so
 * replicas and restarts enqueue each slot once. A KR slot's jobs name market KR (krSlotJobs picks
 * the kinds KR runs).
 */
export function slotJobs(deps: { jobs: Pick<JobProducer, 'add'> }): Record<SlotKind, EnqueueFn> {
  const { jobs } = deps;
  return {
    scan: async (r) => {
      await jobs.add('scan.scheduled', { slotKey: r.jobId, sessionDate: r.sessionDate, ...marketField(r) }, { jobId: r.jobId });
      // Stop checks ride along with each scan in the session; a pre-open scan (KR 08:10) has none:
      // exits sell with IOC limits, which the exchange refuses before its continuous session.
      if (r.dueAt.getTime() >= r.session.open) await jobs.add('execution.exits', { slotKey: r.jobId, ...marketField(r) }, { jobId: `${r.jobId}-exits` });
    },
    exits: async (r) => {
      await jobs.add('execution.exits', { slotKey: r.jobId, ...marketField(r) }, { jobId: r.jobId });
    },
    mark: async (r) => {
      await jobs.add('execution.mark', { date: r.sessionDate, ...marketField(r) }, { jobId: r.jobId });
    },
    reconcile: async (r) => {
      // One job reconciles both lanes; a KR slot enqueues it under its own id, its reason naming the market.
      await jobs.add('execution.reconcile', { reason: r.market === 'KR' ? `kr-${r.slot}` : r.slot }, { jobId: r.jobId });
    },
    // A KR digest names market KR (its book in won, on the Seoul session date); a US one has no market, as before markets.
    'digest-morning': async (r) => {
      await jobs.add('digest.send', { kind: 'morning', sessionDate: r.sessionDate, ...marketField(r) }, { jobId: r.jobId });
    },
    'digest-close': async (r) => {
      await jobs.add('digest.send', { kind: 'close', sessionDate: r.sessionDate, ...marketField(r) }, { jobId: r.jobId });
    },
    hypotheses: async (r) => {
      // A KR slot reviews, generates and incubates the KR hypotheses on the Seoul session date (their book in won).
      await jobs.add('hypotheses.session', { market: r.market ?? 'US', session: r.sessionDate }, { jobId: r.jobId });
    },
    // The slot fires only on the week's last session (its `days`); the job id names market and week, so a replica, a restart or a manual re-enqueue adds it once.
    'review-weekly': async (r) => {
      await jobs.add('review.weekly', { market: 'US', sessionDate: r.sessionDate }, { jobId: reviewWeeklyJobId('US', r.sessionDate) });
    },
  };
}

/**
 * The kinds a KR slot runs, the KR digests (SCHEDULE_MORNING_DIGEST_KR, SCHEDULE_CLOSE_DIGEST_KR:
 * the KR book in won, Seoul times) and the KR hypotheses' session (SCHEDULE_HYPOTHESES_KR)
 * included. The weekly review stays US-only.
 */
export const KR_SLOT_KINDS = ['scan', 'exits', 'mark', 'reconcile', 'digest-morning', 'digest-close', 'hypotheses'] as const satisfies readonly SlotKind[];

/** The KR table's callbacks: slotJobs' for the kinds KR runs (each names market KR from its run). */
export function krSlotJobs(deps: { jobs: Pick<JobProducer, 'add'> }): Partial<Record<SlotKind, EnqueueFn>> {
  const all = slotJobs(deps);
  return Object.fromEntries(KR_SLOT_KINDS.map((k) => [k, all[k]]));
}

/**
 * The KR slots configured (SCHEDULE_*_KR, Seoul time, on a regular KRX day), digests included:
 * none when SCHEDULE_ENABLED=false. Only the KR_SLOT_KINDS among them run (see watchedMarkets).
 */
export function configuredKrSlots(config: Pick<Config, 'schedule' | 'kr'>): SlotDef[] {
  return config.schedule.enabled ? buildSlots(config.kr.schedule, REGULAR_HOURS.KR) : [];
}

/** The other markets' slots the dead-man watches (its `markets`): exactly the KR slots the scheduler runs. */
export function watchedMarkets(config: Pick<Config, 'schedule' | 'kr'>): { market: 'KR'; slots: SlotDef[] }[] {
  const kinds: readonly string[] = KR_SLOT_KINDS;
  // Plus the two KRX open-queue slots the worker runs (open + 1 and + 30 KST): a missed one means a queued KR order silently expires.
  const slots = configuredKrSlots(config).filter((s) => kinds.includes(s.kind));
  if (slots.length > 0) slots.push(...openQueueSlots(10, REGULAR_HOURS.KR));
  return slots.length > 0 ? [{ market: 'KR', slots }] : [];
}

/**
 * Every slot the dead-man watches: the scheduler's, plus the two the worker
 * runs for orders queued for the open (a missed open+1 means a queued order
 * silently expires). None when SCHEDULE_ENABLED=false.
 */
export function watchedSlots(config: Pick<Config, 'schedule'>): SlotDef[] {
  return config.schedule.enabled ? [...configuredSlots(config), ...openQueueSlots()] : [];
}

/**
 * The slots this configuration runs: none when SCHEDULE_ENABLED=false. The
 * morning digest lists its scans; the dead-man watches these and more (watchedSlots).
 */
export function configuredSlots(config: Pick<Config, 'schedule'>): SlotDef[] {
  return config.schedule.enabled ? buildSlots(config.schedule.spec) : [];
}

export async function startSchedulerRole(app: AppContext): Promise<SchedulerRole> {
  const log = app.log.child({ role: 'scheduler' });
  const { bound, unbound } = bindSlots(configuredSlots(app.config), slotJobs(app));
  if (unbound.length > 0) log.warn({ unbound: unbound.map((s) => s.slot) }, 'slots without a job are not scheduled');
  // The runner logs "scheduler started" with its slots and the next one due; only what it cannot know is added here.
  if (!app.config.schedule.enabled) log.info('SCHEDULE_ENABLED=false: no scans, digests, exits or marks are scheduled');
  const kr = bindSlots(configuredKrSlots(app.config), krSlotJobs(app));
  if (kr.unbound.length > 0) log.warn({ unbound: kr.unbound.map((s) => s.slot) }, 'KR slots without a job are not scheduled');
  const markets = kr.bound.length > 0 ? [{ market: 'KR' as const, slots: kr.bound }] : [];
  const scheduler = await startScheduler({ db: app.uow, slots: bound, markets, instance: app.instanceId, log });
  return {
    scheduler,
    async stop() {
      await scheduler.stop();
    },
  };
}

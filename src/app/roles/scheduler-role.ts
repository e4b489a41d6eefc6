import type { Config } from '../config/config.js';
import { bindSlots, startScheduler, type EnqueueFn, type Scheduler } from '../../jobs/scheduler/runner.js';
import type { JobProducer } from '../../jobs/producer.js';
import { buildSlots, openQueueSlots, type SlotDef, type SlotKind } from '../../engine/schedule/slots.js';
import type { AppContext } from '../context.js';
import { reviewWeeklyJobId } from '../../jobs/payloads/review.js';

/** A running scheduler role. */
export interface SchedulerRole {
  scheduler: Scheduler;
  stop(): Promise<void>;
}

/**
 * What each slot kind enqueues. Every job uses the slot's date-keyed jobId
 * (`sched-<market>-<slot>-<date>`, market lower-case; the weekly review `review-weekly-us-<date>`), so
 * replicas and restarts enqueue each slot once.
 */
export function slotJobs(deps: { jobs: Pick<JobProducer, 'add'> }): Record<SlotKind, EnqueueFn> {
  const { jobs } = deps;
  return {
    scan: async (r) => {
      await jobs.add('scan.scheduled', { slotKey: r.jobId, sessionDate: r.sessionDate }, { jobId: r.jobId });
      // Stop checks ride along with each scan.
      await jobs.add('execution.exits', { slotKey: r.jobId }, { jobId: `${r.jobId}-exits` });
    },
    exits: async (r) => {
      await jobs.add('execution.exits', { slotKey: r.jobId }, { jobId: r.jobId });
    },
    mark: async (r) => {
      await jobs.add('execution.mark', { date: r.sessionDate }, { jobId: r.jobId });
    },
    reconcile: async (r) => {
      await jobs.add('execution.reconcile', { reason: r.slot }, { jobId: r.jobId });
    },
    'digest-morning': async (r) => {
      await jobs.add('digest.send', { kind: 'morning', sessionDate: r.sessionDate }, { jobId: r.jobId });
    },
    'digest-close': async (r) => {
      await jobs.add('digest.send', { kind: 'close', sessionDate: r.sessionDate }, { jobId: r.jobId });
    },
    hypotheses: async (r) => {
      await jobs.add('hypotheses.session', { market: 'US', session: r.sessionDate }, { jobId: r.jobId });
    },
    // The slot fires only on the week's last session (its `days`); the job id names market and week, so a replica, a restart or a manual re-enqueue adds it once.
    'review-weekly': async (r) => {
      await jobs.add('review.weekly', { market: 'US', sessionDate: r.sessionDate }, { jobId: reviewWeeklyJobId('US', r.sessionDate) });
    },
  };
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
  const scheduler = await startScheduler({ db: app.uow, slots: bound, instance: app.instanceId, log });
  return {
    scheduler,
    async stop() {
      await scheduler.stop();
    },
  };
}

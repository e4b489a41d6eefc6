import { z } from 'zod';
import { commandContextSchema, notifyPayloadSchema, picksRequestSchema } from './payloads/common.js';
import { backtestJobPayloadSchema } from './payloads/backtest.js';
import { pnlRequestSchema } from './payloads/portfolio.js';
import { reviewWeeklySchema } from './payloads/review.js';
import { executionCloseSchema } from './payloads/close.js';
import { digestSendSchema } from './payloads/digest.js';
import { hypothesesRequestSchema, hypothesisRequestSchema } from './payloads/hypotheses-commands.js';
import { hypothesesSessionSchema, hypothesisIncubateSchema } from './payloads/hypotheses.js';
import { scanChunkSchema, scanFinishSchema, scanScheduledSchema, scanStartSchema } from './payloads/scan.js';
import { executionCancelAllSchema, executionChartSchema, executionFlattenSchema, executionRunSchema, exitsRunSchema, markToMarketSchema, reconcileRunSchema, openQueueSchema } from './payloads/execution.js';

/** Every BullMQ queue. Long work gets its own queue so it never blocks commands. */
export const QUEUE_NAMES = ['commands', 'notify', 'scans', 'backtests', 'executions', 'hypotheses'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * The single registry of job names: which queue each runs on and the zod
 * schema of its payload. Producers validate before enqueuing; workers validate
 * again on receipt and refuse to start if any job of their queue lacks a handler.
 */
export const JOBS = {
  'command.status': { queue: 'commands', schema: commandContextSchema },
  'notify.deliver': { queue: 'notify', schema: notifyPayloadSchema },
  'command.picks': { queue: 'commands', schema: picksRequestSchema },
  'command.positions': { queue: 'commands', schema: commandContextSchema },
  'command.orders': { queue: 'commands', schema: commandContextSchema },
  'command.pnl': { queue: 'commands', schema: pnlRequestSchema },
  'digest.send': { queue: 'commands', schema: digestSendSchema },
  'command.hypotheses': { queue: 'commands', schema: hypothesesRequestSchema },
  'command.hypothesis': { queue: 'commands', schema: hypothesisRequestSchema },
  'command.risk': { queue: 'commands', schema: commandContextSchema },
  'review.weekly': { queue: 'commands', schema: reviewWeeklySchema },
  'scan.start': { queue: 'scans', schema: scanStartSchema },
  'scan.chunk': { queue: 'scans', schema: scanChunkSchema },
  'scan.finish': { queue: 'scans', schema: scanFinishSchema },
  'scan.scheduled': { queue: 'scans', schema: scanScheduledSchema },
  'backtest.run': { queue: 'backtests', schema: backtestJobPayloadSchema },
  'execution.run': { queue: 'executions', schema: executionRunSchema },
  'execution.chart': { queue: 'executions', schema: executionChartSchema },
  'execution.cancel_all': { queue: 'executions', schema: executionCancelAllSchema },
  'execution.flatten': { queue: 'executions', schema: executionFlattenSchema },
  'execution.close': { queue: 'executions', schema: executionCloseSchema },
  'execution.exits': { queue: 'executions', schema: exitsRunSchema },
  'execution.mark': { queue: 'executions', schema: markToMarketSchema },
  'execution.reconcile': { queue: 'executions', schema: reconcileRunSchema },
  'execution.open_queue': { queue: 'executions', schema: openQueueSchema },
  'hypotheses.session': { queue: 'hypotheses', schema: hypothesesSessionSchema },
  'hypothesis.incubate': { queue: 'hypotheses', schema: hypothesisIncubateSchema },
} as const satisfies Record<string, { queue: QueueName; schema: z.ZodType }>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['schema']>;
export type JobsOfQueue<Q extends QueueName> = { [N in JobName]: (typeof JOBS)[N]['queue'] extends Q ? N : never }[JobName];

/** Names of the jobs that run on `queue`. */
export function jobsOf(queue: QueueName): JobName[] {
  return (Object.keys(JOBS) as JobName[]).filter((n) => JOBS[n].queue === queue);
}

/** Start-up check: every queue has at least one job and every job names a known queue. */
export function assertRegistryConsistent(): void {
  for (const q of QUEUE_NAMES) if (jobsOf(q).length === 0) throw new Error(`queue "${q}" has no jobs in the registry`);
  for (const [name, def] of Object.entries(JOBS)) {
    if (!(QUEUE_NAMES as readonly string[]).includes(def.queue)) throw new Error(`job "${name}" names unknown queue "${def.queue}"`);
  }
}

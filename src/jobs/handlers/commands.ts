import type { Job } from 'bullmq';
import type { AppContext } from '../../app/context.js';
import { statusView } from '../../bot/views/status-view.js';
import { picksView } from '../../bot/views/picks-view.js';
import { collectStatus } from '../../trading/status/status.js';
import { commandContextSchema } from '../payloads/common.js';
import type { HandlerMap } from '../worker-runtime.js';
import { portfolioHandlers } from './portfolio.js';
import { digestHandlers } from './digest.js';
import { configuredSlots } from '../../app/roles/scheduler-role.js';
import { occurrenceOn } from '../../engine/schedule/plan.js';

/** Handlers of the `commands` queue: each answers through the notify queue with a jobId derived from its own. */
export function commandHandlers(app: AppContext): HandlerMap<'commands'> {
  return {
    ...portfolioHandlers(app),
    ...digestHandlers(app, {
      dailyBudget: app.config.execution.dailyBudget,
      benchmarkSymbol: app.config.exits.benchmark,
      scheduledScans: (date) =>
        configuredSlots(app.config)
          .filter((s) => s.kind === 'scan')
          .map((s) => occurrenceOn(s, date))
          .filter((o) => o !== null)
          .map((o) => ({ at: new Date(o.dueAt), what: 'all' })),
    }),
    'command.status': async (p, run) => {
      const status = await collectStatus(app.statusSources);
      await app.notifier.text(p.chatId, statusView(status), { origin: 'status', jobId: `${run.job.id}-reply` });
    },
    'command.picks': async (p, run) => {
      const { date, picks } = await app.picks.list(p.date);
      await app.notifier.text(p.chatId, picksView(date, picks, p.date), { origin: 'picks', jobId: `${run.job.id}-reply` });
    },
  };
}

/** When a command job fails for good, the user is told what happened and what to do. */
export async function tellUserCommandFailed(app: AppContext, job: Job, err: Error): Promise<void> {
  const ctx = commandContextSchema.safeParse(job.data);
  if (!ctx.success) return;
  const command = job.name.replace(/^command\./, '/');
  const why = app.scrub(err.message).slice(0, 300);
  await app.notifier.text(ctx.data.chatId, `❌ ${command} failed after ${job.attemptsMade} attempt(s): ${why}\nNothing was changed. Try again in a minute, or check /status.`, {
    origin: 'command-failed',
    jobId: `${job.id}-failed`,
  });
}

/** A scan that failed for good: edit its ack message, or say so in the chat. */
export async function tellUserScanFailed(app: AppContext, job: Job, err: Error): Promise<void> {
  const data = job.data as { chatId?: number; ackMessageId?: number; runId?: string };
  if (typeof data.chatId !== 'number') return;
  const why = err.name === 'UnrecoverableError' || /No market data/.test(err.message) ? err.message : app.scrub(err.message).slice(0, 300);
  const text = `❌ Scan failed: ${why}\nNothing was ordered. Try /scan again in a minute, or check /status.`;
  const id = `${job.id}-failed`;
  if (typeof data.ackMessageId === 'number') await app.notifier.edit(data.chatId, data.ackMessageId, text, { origin: 'scan-failed', jobId: id });
  else await app.notifier.text(data.chatId, text, { origin: 'scan-failed', jobId: id });
}

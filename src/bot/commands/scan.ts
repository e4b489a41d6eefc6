import { z } from 'zod';
import { STRATEGY_IDS, type StrategyId } from '../../engine/signal.js';
import { calendarDate } from '../../lib/dates.js';
import { QueueUnavailableError } from '../../lib/errors.js';
import { defineCommand } from './define.js';
import { ignoredBecause } from '../../jobs/ignore.js';

const choice = z.enum(['all', ...STRATEGY_IDS] as [string, ...string[]], { message: `strategy must be one of all, ${STRATEGY_IDS.join(', ')}` });

/** /scan [strategy]: acknowledged at once; workers share the scan and edit the ack with progress. */
export const scanCommand = defineCommand({
  name: 'scan',
  summary: 'Scan the universe for trade ideas and post the best as cards',
  usage: `/scan [all|${STRATEGY_IDS.join('|')}]`,
  role: 'trader',
  args: z
    .object({ tokens: z.array(z.string()).max(1, 'takes at most one argument: the strategy'), text: z.string() })
    .transform((a) => a.tokens[0]?.toLowerCase() ?? 'all')
    .pipe(choice)
    .transform((s): StrategyId[] => (s === 'all' ? [...STRATEGY_IDS] : [s as StrategyId])),
  async run({ ctx, args, deps, chatId, userId, role, updateId }) {
    const ack = await ctx.reply(`⏳ Scan queued (${args.join(' + ')})…`);
    try {
      await deps.jobs.add('scan.start', { updateId, chatId, userId, role, strategies: args, ackMessageId: ack.message_id }, { jobId: `tg-${updateId}` });
    } catch (err) {
      if (err instanceof QueueUnavailableError) {
        await ctx.telegram.editMessageText(chatId, ack.message_id, undefined, err.userMessage!).catch(ignoredBecause(deps.log, 'scan ack not edited to say the queue is unavailable; the ack still says queued'));
        return;
      }
      throw err;
    }
  },
});

/** /picks [date]: stored picks of a session with their state. */
export const picksCommand = defineCommand({
  name: 'picks',
  summary: 'List the picks of the latest (or a given) session with their state',
  usage: '/picks [YYYY-MM-DD]',
  role: 'viewer',
  args: z
    .object({ tokens: z.array(z.string()).max(1, 'takes at most one argument: a date'), text: z.string() })
    .transform((a) => a.tokens[0])
    // A real calendar day, checked here: an impossible one (2026-02-30) gets the usage answer, never a job.
    .pipe(calendarDate.optional()),
  async run({ deps, chatId, userId, role, updateId, args }) {
    await deps.jobs.add('command.picks', { updateId, chatId, userId, role, ...(args ? { date: args } : {}) }, { jobId: `tg-${updateId}` });
  },
});

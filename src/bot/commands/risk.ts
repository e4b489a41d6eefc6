import { defineCommand, noArgs } from './define.js';

/** `/risk`: enqueued; a worker computes the book's value at risk and replies. */
export const riskCommand = defineCommand({
  name: 'risk',
  summary: "The open positions' one-day value at risk and expected shortfall (95 %, 99 %)",
  usage: '/risk',
  role: 'viewer',
  args: noArgs,
  async run({ deps, chatId, userId, role, updateId }) {
    await deps.jobs.add('command.risk', { updateId, chatId, userId, role }, { jobId: `tg-${updateId}` });
  },
});

import { defineCommand, noArgs } from './define.js';

/** Enqueued: a worker gathers queue depths, health, heartbeats and each market's session, broker and data, and replies through the notify queue. */
export const statusCommand = defineCommand({
  name: 'status',
  summary: 'Mode, kill switch, queues, database and Redis health, uptime; per market the session, broker and data',
  usage: '/status',
  role: 'viewer',
  args: noArgs,
  async run({ deps, chatId, userId, role, updateId }) {
    await deps.jobs.add('command.status', { updateId, chatId, userId, role }, { jobId: `tg-${updateId}` });
  },
});

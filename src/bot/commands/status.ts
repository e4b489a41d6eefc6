import { defineCommand, noArgs } from './define.js';

/** Enqueued: a worker gathers queue depths, health and heartbeats and replies through the notify queue. */
export const statusCommand = defineCommand({
  name: 'status',
  summary: 'Mode, kill switch, queues, database and Redis health, uptime',
  usage: '/status',
  role: 'viewer',
  args: noArgs,
  async run({ deps, chatId, userId, role, updateId }) {
    await deps.jobs.add('command.status', { updateId, chatId, userId, role }, { jobId: `tg-${updateId}` });
  },
});

/** Which jobs count against a user's queued-command limit: command work, never an approval's execution or a reply. */
import { describe, expect, it } from 'vitest';
import { trackingJobsOf, trackingProducer, type TrackedJob } from '../../../../src/bot/fairness/job-tracking.js';
import type { JobProducer } from '../../../../src/jobs/producer.js';

describe('trackingProducer', () => {
  it('notes command jobs against the update, not executions or notify deliveries', async () => {
    let n = 0;
    const inner = { add: async () => `job-${++n}` } as unknown as JobProducer;
    const jobs = trackingProducer(inner);
    let seen: readonly TrackedJob[] = [];
    await trackingJobsOf(
      async () => {
        await jobs.add('command.status', { chatId: 1, userId: 1, updateId: 1 } as never);
        await jobs.add('execution.run', { approvalId: 'a', pickId: 'p', chatId: 1 } as never);
        await jobs.add('notify.deliver', { chatId: 1, ops: [] } as never);
      },
      async (tracked) => {
        seen = tracked;
      },
    );
    expect(seen).toEqual([{ queue: 'commands', id: 'job-1' }]);
  });
});

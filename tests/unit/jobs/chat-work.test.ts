import type { Job, JobType } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { ChatWork, RECENT_FINISHED, WORK_FLOW_ORDER } from '../../../src/jobs/chat-work.js';
import type { QueueName } from '../../../src/jobs/registry.js';

type Call = { types: JobType[]; start?: number; end?: number; asc?: boolean };

/** A queue holding jobs by state; records every getJobs call and honours the range like BullMQ (newest first when asc=false). */
function fakeQueue(byState: Partial<Record<JobType, Partial<Job>[]>>, calls: Call[]) {
  return {
    async getJobs(types: JobType[], start = 0, end = -1, asc = false) {
      calls.push({ types, start, end, asc });
      return types.flatMap((t) => {
        const all = [...(byState[t] ?? [])].sort((a, b) => (asc ? a.timestamp! - b.timestamp! : b.timestamp! - a.timestamp!));
        return all.slice(start, end < 0 ? undefined : end + 1) as Job[];
      });
    },
  };
}

const CHAT = 42;
const job = (id: string, extra: Partial<Job> = {}): Partial<Job> => ({ id, name: 'x', data: { chatId: CHAT }, timestamp: Number(id.replace(/\D/g, '')) || 1, ...extra });

describe('ChatWork: is the bot done with what a chat asked?', () => {
  it('reads finished jobs newest-first and bounded, so thousands of old completed/failed jobs are not loaded each poll', async () => {
    const calls: Call[] = [];
    const oldFailures = Array.from({ length: 5_000 }, (_, i) => job(`f${i + 1}`, { finishedOn: i + 2, failedReason: 'old' }));
    const queues = Object.fromEntries(WORK_FLOW_ORDER.map((q) => [q, fakeQueue(q === 'commands' ? { failed: oldFailures } : {}, calls)])) as unknown as Record<QueueName, ReturnType<typeof fakeQueue>>;
    const work = new ChatWork(queues);
    const base = await work.baseline(CHAT);
    expect(await work.outstanding(CHAT, base)).toEqual([]);
    const finishedReads = calls.filter((c) => c.types.includes('failed') || c.types.includes('completed'));
    expect(finishedReads.length).toBeGreaterThan(0);
    for (const c of finishedReads) expect(c).toMatchObject({ start: 0, end: RECENT_FINISHED - 1, asc: false });
  });

  it('a new pending job of the chat is outstanding; one of another chat or from before the command is not', async () => {
    const calls: Call[] = [];
    const state: Partial<Record<JobType, Partial<Job>[]>> = { waiting: [job('c1')] };
    const queues = Object.fromEntries(WORK_FLOW_ORDER.map((q) => [q, fakeQueue(q === 'scans' ? state : {}, calls)])) as unknown as Record<QueueName, ReturnType<typeof fakeQueue>>;
    const work = new ChatWork(queues);
    const base = await work.baseline(CHAT);
    state.waiting!.push(job('c2'), { ...job('c3'), data: { chatId: 7 } });
    expect(await work.outstanding(CHAT, base)).toEqual([{ queue: 'scans', id: 'c2', name: 'x', why: 'pending' }]);
  });

  it('a new job that failed for good counts until a notify job for the chat is queued after it', async () => {
    const calls: Call[] = [];
    const backtests: Partial<Record<JobType, Partial<Job>[]>> = {};
    const notify: Partial<Record<JobType, Partial<Job>[]>> = {};
    const queues = Object.fromEntries(WORK_FLOW_ORDER.map((q) => [q, fakeQueue(q === 'backtests' ? backtests : q === 'notify' ? notify : {}, calls)])) as unknown as Record<QueueName, ReturnType<typeof fakeQueue>>;
    const work = new ChatWork(queues);
    const base = await work.baseline(CHAT);
    backtests.failed = [job('b10', { finishedOn: 10, failedReason: 'boom' })];
    expect(await work.outstanding(CHAT, base)).toEqual([{ queue: 'backtests', id: 'b10', name: 'x', why: 'failed-untold' }]);
    notify.completed = [job('n11', { finishedOn: 12 })];
    expect(await work.outstanding(CHAT, base)).toEqual([]);
  });
});

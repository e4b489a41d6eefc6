import { describe, expect, it } from 'vitest';
import { approvalChat, tellApprover } from '../../../../src/bot/commands/resolve-told.js';
import type { BotDeps } from '../../../../src/bot/deps.js';
import type { ResolveVerdict } from '../../../../src/trading/execution/stuck.js';

const APPROVAL = '8be24343-ab64-49aa-b60f-f26181737533';
const origin = { approvalId: APPROVAL, pickId: 'p1', symbol: 'ABC', approvedBy: 42, queuedChatId: null as number | null };

/** A producer whose executions queue holds `job` (or fails), recording what is added — deduplicated by jobId as BullMQ does. */
function fakeJobs(job: { data: unknown } | undefined | Error) {
  const added = new Map<string, { name: string; payload: unknown }>();
  const jobs = {
    queues: { executions: { getJob: async () => (job instanceof Error ? Promise.reject(job) : job) } },
    add: async (name: string, payload: unknown, opts: { jobId?: string } = {}) => {
      const id = opts.jobId ?? String(added.size);
      if (!added.has(id)) added.set(id, { name, payload });
      return id;
    },
  };
  return { deps: { jobs: jobs as unknown as BotDeps['jobs'], log: { warn: () => undefined } as unknown as BotDeps['log'] }, added };
}

const failed: ResolveVerdict = {
  kind: 'settled',
  approvalId: APPROVAL,
  origin,
  result: {
    kind: 'failed',
    approvalId: APPROVAL,
    evidence: { kind: 'none', broker: 'paper' },
    outcome: { kind: 'failed', approvalId: APPROVAL, retryable: false, reason: { code: 'lost_after_crash', symbol: 'ABC', attemptedAt: 't', markedBy: '1' } },
  },
};

describe('telling the approver of a /resolve', () => {
  it('finds the approval chat in the execution job, else the queued chat, else the approver', async () => {
    const job = { data: { approvalId: APPROVAL, pickId: 'p1', chatId: -100500, userId: 42 } };
    expect(await approvalChat(fakeJobs(job).deps, origin)).toBe(-100500);
    expect(await approvalChat(fakeJobs(undefined).deps, { ...origin, queuedChatId: -7 })).toBe(-7);
    expect(await approvalChat(fakeJobs(undefined).deps, origin)).toBe(42);
    expect(await approvalChat(fakeJobs(new Error('redis down')).deps, origin)).toBe(42);
    // A job of another approval under the id (never expected) is not trusted.
    expect(await approvalChat(fakeJobs({ data: { ...job.data, approvalId: '00000000-0000-4000-8000-000000000000' } }).deps, origin)).toBe(42);
  });

  it('says what was settled and by whom, once per approval', async () => {
    const { deps, added } = fakeJobs({ data: { approvalId: APPROVAL, pickId: 'p1', chatId: -100500, userId: 42 } });
    await tellApprover(deps, failed, 'Admin (1)');
    await tellApprover(deps, failed, 'Admin (1)');
    expect(added.size).toBe(1);
    const [only] = [...added.values()];
    expect(only!.name).toBe('notify.deliver');
    const payload = only!.payload as { chatId: number; ops: { kind: string; text: string }[] };
    expect(payload.chatId).toBe(-100500);
    expect(payload.ops[0]!.text).toBe(`🧾 Your approval of ABC (${APPROVAL}) was settled by an admin (Admin (1)): marked failed: nothing was bought or booked and its budget is released.`);
  });

  it('tells nobody when nothing was settled', async () => {
    const { deps, added } = fakeJobs(undefined);
    await tellApprover(deps, { kind: 'settled', approvalId: APPROVAL, origin, result: { kind: 'busy', approvalId: APPROVAL } }, 'Admin (1)');
    await tellApprover(deps, { kind: 'refused', refusal: { kind: 'unknown' } }, 'Admin (1)');
    expect(added.size).toBe(0);
  });
});

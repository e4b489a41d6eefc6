/**
 * The replies of one update travel as ONE notify job, so they arrive in the order the handler
 * made them (separate jobs could overtake each other under several consumers and per-chat pacing),
 * and a handler that throws half-way still says what it said.
 */
import type { Context } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { queueReplies, replyOf } from '../../../../src/bot/outbox/replies.js';

function setup() {
  const jobs: { name: string; data: { chatId: number; ops: { kind: string; text: string; keyboard?: unknown }[] }; opts: { jobId: string } }[] = [];
  const producer = {
    add: async (name: string, data: unknown, opts: unknown) => {
      jobs.push({ name, data: data as (typeof jobs)[number]['data'], opts: opts as { jobId: string } });
      return {} as never;
    },
  };
  const ctx = { update: { update_id: 7 }, chat: { id: 99 }, state: {} } as unknown as Context;
  return { jobs, ctx, mw: queueReplies({ jobs: producer as never, log: { warn() {} } }) };
}

describe('queueReplies', () => {
  it('queues every reply of an update as one job, in order, keyed by the update id', async () => {
    const { jobs, ctx, mw } = setup();
    await mw(ctx, async () => {
      await replyOf(ctx)('🛑 KILL SWITCH ON');
      await replyOf(ctx)('Sell every open position?', { reply_markup: { inline_keyboard: [[{ text: 'Confirm', callback_data: 'x' }]] } });
    });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.opts.jobId).toBe('tg-7-direct');
    expect(jobs[0]!.data.chatId).toBe(99);
    expect(jobs[0]!.data.ops.map((o) => o.text)).toEqual(['🛑 KILL SWITCH ON', 'Sell every open position?']);
    expect(jobs[0]!.data.ops[1]!.keyboard).toEqual([[{ text: 'Confirm', callback_data: 'x' }]]);
  });

  it('a handler that throws still sends what it replied; a reply made after the chain (the error handler) is its own later job', async () => {
    const { jobs, ctx, mw } = setup();
    await expect(
      mw(ctx, async () => {
        await replyOf(ctx)('working on it');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await replyOf(ctx)('❌ Something went wrong on our side');
    expect(jobs.map((j) => [j.opts.jobId, j.data.ops.map((o) => o.text)])).toEqual([
      ['tg-7-direct', ['working on it']],
      ['tg-7-direct-late-0', ['❌ Something went wrong on our side']],
    ]);
  });

  it('an update without replies queues nothing', async () => {
    const { jobs, ctx, mw } = setup();
    await mw(ctx, async () => undefined);
    expect(jobs).toHaveLength(0);
  });
});

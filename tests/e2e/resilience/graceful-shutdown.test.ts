/**
 * Graceful shutdown while a job is in flight (all roles in this process; the Bot API
 * emulator is external so it outlives the app and keeps its record of what was sent).
 *
 * The notify delivery is made slow by holding back Telegram's sendMessage response for
 * 1.5 s; `running.stop()` is called while the worker waits for that response.
 * Proves: stop() resolves only after the job finished (it waits for active jobs instead of
 * cutting them), the reply reaches the user exactly once, and nothing is left active,
 * waiting or failed in any queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../../helpers/env.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { IN_FLIGHT_STATES, isStatusReply, nextReply, probeQueues, repliesAfter, sleep, textOf, userSays, type QueueProbe } from './support.js';

const HOLD_MS = 1_500;

describe('graceful shutdown mid-job', () => {
  let h: Harness;
  let q: QueueProbe;

  beforeAll(async () => {
    h = await startHarness({ mode: 'token' });
    q = probeQueues(REDIS_URL, h.prefix);
  });

  afterAll(async () => {
    await q?.close();
    await h?.stop();
  });

  it('stop() waits for the in-flight delivery; the reply arrives exactly once; queues are drained', async () => {
    const em = h.emulator;
    em.delayNext('sendMessage', HOLD_MS);
    const s = userSays(em, '/status');
    const replyJob = `tg-${s.updateId}-reply`;

    // Telegram has the message; the worker is still waiting for the (held) response.
    const sent = await nextReply(em, s.afterSeq, 10_000);
    expect(isStatusReply(sent), textOf(sent)).toBe(true);
    expect(await q.state('notify', replyJob)).toBe('active');

    const stopCalled = Date.now();
    await h.running.stop();
    const stopped = Date.now();

    // stop() could only resolve after the held response came back and the job completed.
    expect(stopped - sent.at, `stop() resolved ${stopped - sent.at} ms after the send (hold ${HOLD_MS} ms)`).toBeGreaterThanOrEqual(HOLD_MS - 50);
    expect(stopped - stopCalled).toBeLessThan(HOLD_MS + 5_000);

    // The job ran to the end: its step is marked done and the job is completed, not stalled.
    expect(await q.redis.exists(`${h.prefix}:notify:done:${replyJob}:0`)).toBe(1);
    expect(await q.state('notify', replyJob)).toBe('completed');
    expect(await q.state('commands', `tg-${s.updateId}`)).toBe('completed');
    for (const name of ['commands', 'notify'] as const) {
      const c = await q.counts(name);
      for (const st of IN_FLIGHT_STATES) expect(c[st], `${name}.${st}: ${JSON.stringify(c)}`).toBe(0);
      expect(c.completed, `${name}: ${JSON.stringify(c)}`).toBe(1);
    }

    // Exactly one reply reached the user (nothing is running any more that could send another).
    await sleep(300);
    const replies = await repliesAfter(em, s.afterSeq);
    expect(replies.map(textOf).filter((t) => t.includes('Kill switch'))).toHaveLength(1);
    expect(replies).toHaveLength(1);
  });
});

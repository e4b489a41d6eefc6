import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * Impossible calendar dates (issue 12, item 9). Under attack, `/picks 2026-02-30`
 * passed a shape-only regex, reached Postgres, was retried three times and the
 * chat got the raw Postgres error with a "try again" hint. A date argument is
 * now checked to be a real day where it is parsed, and a job that can never
 * succeed fails once, unretried, with a message saying what to type.
 */
const BAD_DATES = ['2026-02-30', '9999-99-99', '2026-13-01', '2026-04-31', '2026-02-29', '0000-01-01'];
/** Postgres' own words, which must never reach a chat. */
const RAW_POSTGRES = /date\/time field value out of range|invalid input syntax|out of range for type|QueryFailedError/i;

describe('impossible dates', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Every job of the commands queue, in any state. */
  const commandJobs = async (): Promise<Job[]> =>
    (await h.running.app.jobs.queues.commands.getJobs(['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'paused'])).filter(Boolean);

  /** Waits until a job of the commands queue is failed or completed (BullMQ stores attemptsMade on it). */
  const settled = async (job: Job, timeoutMs = 15_000): Promise<Job> => {
    const deadline = Date.now() + timeoutMs;
    const queue = h.running.app.jobs.queues.commands;
    for (;;) {
      const state = await queue.getJobState(job.id!);
      // Read the job only once it is finished: a copy read while active still says attemptsMade 0.
      if (state === 'failed' || state === 'completed') return (await queue.getJob(job.id!))!;
      if (Date.now() > deadline) throw new Error(`job ${job.id} still ${state} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('/picks with an impossible date gets the usage answer naming the date, and nothing is enqueued', async () => {
    for (const date of BAD_DATES) {
      const replies = await h.say(1, `/picks ${date}`);
      const t = textOf(replies[0]);
      expect(t, `/picks ${date}`).toContain('Usage: /picks [YYYY-MM-DD]');
      expect(t, `/picks ${date}`).toContain(`${date} is not a date`);
      expect(t).not.toMatch(RAW_POSTGRES);
    }
    // Late messages (a failed job's apology) would land here: give the workers time to produce them.
    await new Promise((r) => setTimeout(r, 3_000));
    const all = (await h.emulator.events({ chatId: 1, afterSeq: 0, limit: 1000 })).map(textOf).join('\n');
    expect(all).not.toMatch(RAW_POSTGRES);
    expect(all).not.toMatch(/failed after \d+ attempt/);
    const picksJobs = (await commandJobs()).filter((j) => j.name === 'command.picks');
    expect(picksJobs.map((j) => (j.data as { date?: string }).date)).toEqual([]);
  }, 60_000);

  it('a real date, a leap day and a non-date still behave as before', async () => {
    const [leap] = await h.say(1, '/picks 2024-02-29');
    expect(textOf(leap)).toMatch(/No picks for 2024-02-29/);
    const [word] = await h.say(1, '/picks yesterday');
    expect(textOf(word)).toContain('Usage: /picks [YYYY-MM-DD]');
    expect(textOf(word)).toContain('yesterday is not a date');
  });

  it('/backtest with an impossible date gets its usage answer, never a job', async () => {
    for (const date of ['2026-02-30', '9999-99-99', '2026-13-01']) {
      const [reply] = await h.say(1, `/backtest donchian SPY ${date}`);
      const t = textOf(reply);
      expect(t, date).toMatch(/^Usage: \/backtest/);
      expect(t, date).toContain(date);
      expect(t).not.toMatch(RAW_POSTGRES);
    }
    const counts = await h.running.app.jobs.queues.backtests.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('a forged or old /picks job with an impossible date fails once, unretried, and the user is told what to type', async () => {
    const after = h.emulator.lastSeq;
    // Straight onto the queue with the production options (3 attempts), as a job from an older release or a forger would be.
    const job = await h.running.app.jobs.queues.commands.add(
      'command.picks',
      { updateId: 990_001, chatId: 1, userId: 1, role: 'admin', date: '2026-02-30' },
      { jobId: 'forged-picks-1', attempts: 3, backoff: { type: 'exponential', delay: 200 } },
    );
    const done = await settled(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toContain('2026-02-30 is not a date');
    expect(done.failedReason).not.toMatch(RAW_POSTGRES);

    const deadline = Date.now() + 5_000;
    let told = '';
    while (!told && Date.now() < deadline) {
      const evs = await h.emulator.events({ chatId: 1, afterSeq: after, waitMs: 500 });
      told = evs.map(textOf).find((t) => /picks/.test(t)) ?? '';
    }
    expect(told).toContain('2026-02-30 is not a date');
    expect(told).toContain('/picks [YYYY-MM-DD]');
    expect(told).not.toMatch(RAW_POSTGRES);
    // Retrying cannot help, so the answer must not suggest it.
    expect(told).not.toMatch(/try again/i);
  });

  it('a forged /digest job with an impossible session date fails once, unretried', async () => {
    const job = await h.running.app.jobs.queues.commands.add(
      'digest.send',
      { kind: 'close', chatId: 1, userId: 1, role: 'admin', updateId: 990_002, sessionDate: '2026-13-01' },
      { jobId: 'forged-digest-1', attempts: 3, backoff: { type: 'exponential', delay: 200 } },
    );
    const done = await settled(job);
    expect(await done.getState()).toBe('failed');
    expect(done.attemptsMade).toBe(1);
    expect(done.failedReason).toContain('2026-13-01 is not a date');
  });
});

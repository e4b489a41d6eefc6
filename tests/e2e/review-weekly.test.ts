/**
 * The weekly review end to end: the real bot (token mode, Bot API emulator), worker, Postgres and
 * Redis. A planted week (tests/integration/review/plant-week.ts); the scheduler's review-weekly
 * callback fires for Friday 2026-12-04 (twice, as two replicas would). Chats 1 and 3 get one
 * review each, with its chart; every figure recomputes from the message; chat 2 turned the review
 * off with /settings and gets nothing. A re-run of the job (another job id, same week) posts nothing new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotJobs } from '../../src/app/roles/scheduler-role.js';
import { sessionInfo } from '../../src/engine/calendar/index.js';
import { makeSlot } from '../../src/engine/schedule/slots.js';
import { occurrenceOn } from '../../src/engine/schedule/plan.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { EXPECTED, plantWeek, WEEK } from '../integration/review/plant-week.js';
import { recomputeReview } from '../integration/review/recompute.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin,2:viewer,3:trader' } });
  for (const u of [1, 2, 3]) await h.say(u, '/start');
  const off = await h.say(2, '/settings review off');
  expect(textOf(off[0]!)).toMatch(/Weekly review: off/);
  await plantWeek({ run: (sql, params = []) => h.running.app.ds.query(sql, params), audit: h.running.app.audit });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

async function eventsAfter(chatId: number, after: number): Promise<OutboxEvent[]> {
  return (await h.emulator.events({ chatId })).filter((e) => e.seq > after);
}

async function waitFor(chatId: number, after: number, pred: (e: OutboxEvent) => boolean, timeoutMs = 30_000): Promise<OutboxEvent> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hit = (await eventsAfter(chatId, after)).find(pred);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no matching event in chat ${chatId} within ${timeoutMs} ms`);
}

const isReview = (e: OutboxEvent) => e.method === 'sendMessage' && /Weekly review · US/.test(textOf(e));
const isChart = (e: OutboxEvent) => e.method === 'sendPhoto' && /Realized P&L per session/.test(textOf(e));

describe('the weekly review', () => {
  it('reaches each chat that keeps it on, once, with its chart; its figures recompute; a chat that turned it off gets nothing', async () => {
    const after = h.emulator.lastSeq;
    const slot = makeSlot('review-weekly', 'close+60');
    const o = occurrenceOn(slot, WEEK.last)!;
    const jobs = slotJobs(h.running.app);
    const run = { slot: slot.slot, kind: slot.kind, sessionDate: o.sessionDate, jobId: o.jobId, dueAt: new Date(o.dueAt), caughtUp: false, session: sessionInfo(WEEK.last)! };
    await jobs['review-weekly'](run);
    await jobs['review-weekly'](run); // a second replica: same job id, nothing new

    for (const chat of [1, 3]) {
      const msg = await waitFor(chat, after, isReview);
      const parsed = recomputeReview(textOf(msg));
      expect(parsed).toMatchObject({ signals: EXPECTED.signals, trades: EXPECTED.trades, realized: EXPECTED.realized, kills: EXPECTED.kills, slippage: [...EXPECTED.slippageBps] });
      expect(parsed.posted).toMatchObject(EXPECTED.posted);
      await waitFor(chat, after, isChart);
    }

    // A re-run of the same week under another job id (a manual re-enqueue): every recipient's copy is already sent.
    await h.running.app.jobs.add('review.weekly', { market: 'US', sessionDate: WEEK.last }, { jobId: 'review-weekly-us-2026-12-04-again' });
    await new Promise((r) => setTimeout(r, 3_000));
    for (const chat of [1, 3]) {
      const evs = await eventsAfter(chat, after);
      expect(evs.filter(isReview)).toHaveLength(1);
      expect(evs.filter(isChart)).toHaveLength(1);
    }
    expect((await eventsAfter(2, after)).filter((e) => /Weekly review/.test(textOf(e)))).toHaveLength(0);
  }, 90_000);
});

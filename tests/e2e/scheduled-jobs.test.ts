import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotJobs } from '../../src/app/roles/scheduler-role.js';
import { sessionInfo } from '../../src/engine/calendar/index.js';
import { generateSyntheticSeries } from '../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../src/adapters/market-data/synthetic/sessions.js';
import type { SlotRun } from '../../src/jobs/scheduler/runner.js';
import type { SlotKind } from '../../src/engine/schedule/slots.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

const AS_OF = '2026-11-20';

/** What the scheduler's callback receives for a slot on AS_OF (the runner itself is tested with an injected clock). */
function slotRun(kind: SlotKind, slot: string): SlotRun {
  const session = sessionInfo(AS_OF)!;
  return { slot, kind, sessionDate: AS_OF, jobId: `sched-us-${slot}-${AS_OF}`, dueAt: new Date(session.close), caughtUp: false, session };
}

/**
 * The slot → job wiring, through the real worker, bot API emulator and
 * Postgres: what a trader sees when a scheduled slot fires.
 */
describe('scheduled slots run the real jobs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin,2:viewer,3:trader', SCAN_CHUNK_SIZE: '50', SCAN_TOP_N: '2' } });
    const sessions = weekdaySessions(AS_OF, 400);
    const universe = Array.from({ length: 120 }, (_, i) => generateSyntheticSeries({ symbol: `SCH${String(i).padStart(3, '0')}`, sessions, dollarAdv: 5e7 }));
    await h.running.app.bars.writeBars(universe.map((series) => ({ symbol: series.symbol, series })), { source: 'synthetic', demo: true });
    const old = generateSyntheticSeries({ symbol: 'REAL1', sessions: weekdaySessions('2026-11-19', 60), dollarAdv: 5e7 });
    await h.running.app.bars.writeBars([{ symbol: 'REAL1', series: old }], { source: 'csv', demo: false });
    // Telegram only lets a bot message users who opened a chat with it; user 3 (a trader) never did.
    await h.say(1, '/start');
    await h.say(2, '/start');
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  async function waitFor(chatId: number, after: number, pred: (t: string, method: string) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const hit = (await h.emulator.events({ chatId })).filter((e) => e.seq > after).find((e) => pred(textOf(e), e.method));
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seen = (await h.emulator.events({})).filter((e) => e.seq > after).map((e) => `${e.method}@${String(e.chat_id ?? "")}: ${textOf(e).slice(0, 80)}`);
    throw new Error(`no matching event in chat ${chatId} within ${timeoutMs} ms; saw: ${seen.join(" | ")}`);
  }

  it('a scan slot posts an ack and pick cards to traders (not viewers), once even when the slot fires twice; an unreachable trader does not stop it', async () => {
    const after = h.emulator.lastSeq;
    const jobs = slotJobs(h.running.app);
    const run = slotRun('scan', 'scan-0935');
    await jobs.scan(run);
    await jobs.scan(run); // a second replica or a restart: same jobIds, nothing new
    const done = await waitFor(1, after, (t) => /Scan done/.test(t));
    expect(textOf(done)).toMatch(/as of 2026-11-20/);
    await new Promise((r) => setTimeout(r, 1_500));
    const events = (await h.emulator.events({ chatId: 1 })).filter((e) => e.seq > after);
    expect(events.filter((e) => e.method === 'sendMessage' && /Scheduled scan/.test(textOf(e)))).toHaveLength(1);
    expect(events.filter((e) => e.method === 'sendPhoto').length).toBeGreaterThanOrEqual(1);
    expect((await h.emulator.events({ chatId: 2 })).filter((e) => e.seq > after)).toHaveLength(0);
    const runs = (await h.running.app.ds.query(`SELECT count(*)::int AS n FROM scan_runs WHERE requested_by = 1`)) as { n: number }[];
    expect(runs[0]!.n).toBe(1);
  });

  it('the close digest slot reaches every recipient once; the mark slot writes the equity mark', async () => {
    const beforeMark = h.emulator.lastSeq;
    const jobs = slotJobs(h.running.app);
    await jobs.mark(slotRun('mark', 'mark-1610'));
    const deadline = Date.now() + 15_000;
    let marks: { n: number }[] = [];
    while (Date.now() < deadline) {
      marks = (await h.running.app.ds.query(`SELECT count(*)::int AS n FROM equity_marks WHERE date = $1`, [AS_OF])) as { n: number }[];
      if (marks[0]!.n > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(marks[0]!.n).toBe(1);
    // Real (non-DEMO) data one session behind the mark's session is stale: one open alert, told to the admin.
    const stale = (await h.running.app.ds.query(`SELECT state, message, detail FROM alerts WHERE key = 'data.stale:csv'`)) as { state: string; message: string | null; detail: unknown }[];
    expect(stale).toHaveLength(1);
    expect(stale[0]!.state).toBe('open');
    expect(stale[0]!.detail).toEqual({ code: 'data.stale', source: 'csv', last: '2026-11-19', sessionDate: '2026-11-20' });
    expect(stale[0]!.message).toBeNull();
    // The admin reads it in words (the bot's wording of the stored figures).
    await waitFor(1, beforeMark, (t) => t.includes('Market data from csv is stale: newest bar 2026-11-19, session 2026-11-20.'));

    const after = h.emulator.lastSeq;
    await jobs['digest-close'](slotRun('digest-close', 'digest-close-1615'));
    await jobs['digest-close'](slotRun('digest-close', 'digest-close-1615'));
    for (const chat of [1, 2]) await waitFor(chat, after, (t) => /P&L/.test(t));
    await new Promise((r) => setTimeout(r, 1_000));
    for (const chat of [1, 2]) {
      const digests = (await h.emulator.events({ chatId: chat })).filter((e) => e.seq > after && /P&L/.test(textOf(e)));
      expect(digests).toHaveLength(1);
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestDeliveryJobId, type DigestSendPayload } from '../../../../src/jobs/payloads/digest.js';
import type { NotifyPayload } from '../../../../src/jobs/payloads/common.js';
import { UserSettingsRepo } from '../../../../src/trading/settings/repo.js';
import { startHarness, textOf, type Harness } from '../../../helpers/harness.js';
import { realTime, setMarketTime } from '../../../helpers/market-time.js';

/**
 * /digest and /settings through the real bot, queues and workers (local mode,
 * user 1 = admin). Passes once the lead has wired: the two commands in
 * COMMANDS, `digest.send` in the registry with digestHandlers on the
 * commands worker, and the `st` callback action routed to handleSettingsCallback.
 */
describe('digests and settings end to end', () => {
  let h: Harness;
  // A session day, after the close and before any after-close slot: a close digest has a close to report
  // (on a weekend /digest close says there is no session instead), and the scheduler has nothing to catch up.
  const today = '2026-11-20';
  const dayBefore = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    setMarketTime('2026-11-20T16:05:00-05:00');
    h = await startHarness({ mode: 'local' });
    const ds = h.running.app.ds;
    await ds.query(`INSERT INTO equity_marks (date, equity, cash, market_value, realized_pnl, unrealized_pnl, benchmark_close, marked_at) VALUES
      ($1, 100000, 100000, 0, 0, 0, 600, now()), ($2, 100250, 100250, 0, 0, 0, 603, now())`, [dayBefore(1), today]);
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
    realTime();
  });

  it('/help lists /digest and /settings', async () => {
    const t = textOf((await h.say(1, '/help'))[0]);
    expect(t).toContain('/digest [morning|close]');
    expect(t).toContain('/settings');
  });

  it('/digest close replies with the digest text, then the equity chart', async () => {
    const events = await h.say(1, '/digest close', { count: 2, timeoutMs: 20_000 });
    expect(events.map((e) => e.method)).toEqual(['sendMessage', 'sendPhoto']);
    expect(textOf(events[0])).toMatch(/^🌙 Close digest · /);
    expect(textOf(events[0])).toContain('Equity $100,250.00');
    expect(textOf(events[1])).toMatch(/Equity, last 2 sessions vs SPY/);
  });

  it('/digest morning replies with the morning digest; bad arguments get the usage', async () => {
    const [m] = await h.say(1, '/digest morning', { timeoutMs: 20_000 });
    expect(textOf(m)).toMatch(/^☀️ Morning digest · /);
    expect(textOf(m)).toContain('Kill switch off');
    const [bad] = await h.say(1, '/digest weekly');
    expect(textOf(bad)).toMatch(/Usage: \/digest \[morning\|close\]/);
  });

  it('/settings shows the settings with signed buttons; a tap changes the user’s own setting and redraws', async () => {
    const [shown] = await h.say(1, '/settings');
    expect(textOf(shown)).toContain('🔔 Digests: on');
    const buttons = shown!.message!.reply_markup!.inline_keyboard;
    expect(buttons.map((r) => r.map((b) => b.text))).toEqual([
      ['✓ Digests on', 'Digests silent', 'Digests off'],
      ['✓ Fills on', 'Fills silent', 'Fills off'],
      ['✓ Weekly review on', 'Weekly review silent', 'Weekly review off'],
    ]);
    const silent = buttons[0]![1] as { callback_data: string };
    const events = await h.press(1, shown!.message!.message_id, silent.callback_data, { count: 2 });
    expect(events.map((e) => e.method).sort()).toEqual(['answerCallbackQuery', 'editMessageText']);
    expect(textOf(events.find((e) => e.method === 'editMessageText'))).toContain('🔕 Digests: silent');
    expect(await new UserSettingsRepo(h.running.app.uow).get(1)).toEqual({ digest: 'silent', fills: 'on', review: 'on' });
    // A forged button changes nothing.
    const forged = await h.press(1, shown!.message!.message_id, silent.callback_data.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAA'), { forged: true });
    expect(forged[0]?.show_alert).toBe(true);
  });

  it('/settings fills off changes it directly', async () => {
    const [r] = await h.say(1, '/settings fills off');
    expect(textOf(r)).toMatch(/^✅ Fills: off\./);
    expect((await new UserSettingsRepo(h.running.app.uow).get(1)).fills).toBe('off');
  });

  it('a scheduled digest reaches the user silently (they chose silent above)', async () => {
    const after = h.emulator.lastSeq;
    const add = h.running.app.jobs.add.bind(h.running.app.jobs) as unknown as (n: string, p: DigestSendPayload, o: { jobId: string }) => Promise<string>;
    await add('digest.send', { kind: 'morning', sessionDate: today }, { jobId: `e2e-digest-morning-${today}` });
    const deadline = Date.now() + 20_000;
    let got: Awaited<ReturnType<typeof h.emulator.events>> = [];
    while (got.length === 0 && Date.now() < deadline) got = (await h.emulator.events({ chatId: 1, afterSeq: after, waitMs: 1_000 })).filter((e) => e.method === 'sendMessage');
    expect(textOf(got[0])).toMatch(/^☀️ Morning digest · /);
    const job = await h.running.app.jobs.queues.notify.getJob(digestDeliveryJobId('morning', today, 1));
    expect((job?.data as NotifyPayload | undefined)?.silent).toBe(true);
  });
});

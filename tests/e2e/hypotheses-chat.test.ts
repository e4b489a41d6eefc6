/**
 * /hypotheses, /hypothesis ID and /retire ID (issue 14, item 8) through the real telegraf bot,
 * the commands and notify queues and the Bot API emulator. Hypotheses are seeded through
 * HypothesisStore (propose + transition) in the database the harness runs on.
 *
 * - /hypotheses shows the counts per state with caps (adding up to the total) and the top rows, with a chart;
 * - /hypothesis ID shows the checks (each recomputing), the transitions and an equity chart; an unknown id says how to list ids;
 * - /retire by a viewer changes nothing; an admin's confirm retires once under a double tap
 *   (one transition on the audit chain, which verifies), and says RETIRED is final afterwards;
 * - a confirm shown before the hypothesis moved changes nothing and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HypothesisDefinition } from '../../src/engine/hypotheses/definition.js';
import type { HypothesisEvaluation } from '../../src/engine/hypotheses/evaluation-types.js';
import { incubate, trialStats } from '../../src/engine/hypotheses/trials.js';
import { HypothesisStore, type StoredHypothesis } from '../../src/trading/hypotheses/store.js';
import { buttonsOfEvent, pressAnswer, replyTo, sleep, textOf, waitMessage } from '../helpers/execution.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { incubationCancelKey } from '../../src/jobs/handlers/hypotheses.js';

const ADMIN = 1;
const VIEWER = 3;

let h: Harness;
let store: HypothesisStore;
let paper: StoredHypothesis;
let incubating: StoredHypothesis[];

function definition(n: number): HypothesisDefinition {
  return {
    family: n % 2 === 0 ? 'momentum' : 'ibs_low',
    market: 'US',
    centre: { lookback: 10 + n },
    grid: { lookback: [String(9 + n), String(10 + n), String(11 + n)] },
    exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 20, targetAtr: null },
  };
}

function evaluation(): HypothesisEvaluation {
  return {
    figures: { oosTrades: 52, sharpe: 1.7321, maxDrawdown: 0.0912, profitFactor: 1.84, winRate: 0.5192 },
    daily: { days: 480, sharpe: 1.7321 / Math.sqrt(252), skewness: 0.05, kurtosis: 3.1 },
    chosenIndex: 1,
    latestWindow: { trainStart: '2025-06-02', trainEnd: '2026-06-01', chosenIndex: 1, trainScores: [0.4, 0.9, null] },
    chosenParams: { lookback: 11 },
    windows: [],
    equity: { dates: ['2025-01-02', '2025-06-02', '2026-12-04'], values: [100_000, 104_250, 118_400] },
    firstDate: '2024-01-02',
    lastDate: '2026-12-04',
    symbols: 8,
  };
}

beforeAll(async () => {
  h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin,${VIEWER}:viewer` } });
  store = new HypothesisStore(h.running.app.uow, h.running.app.audit);
  incubating = await store.propose('US', '2026-12-01', [0, 1, 2].map((n) => ({ definition: definition(n), canonical: `e2e-chat:${n}` })), 'generator');
  const ev = evaluation();
  const trials = trialStats([ev.daily.sharpe!]);
  const outcome = incubate(ev, trials);
  const moved = await store.transition(incubating[0]!.id, 1, { kind: 'incubation_passed' }, {
    actor: 'incubator',
    session: '2026-12-04',
    figures: { dsr: outcome.dsr },
    // Stored as the incubator stores it (incubate.ts): the evaluation, its outcome, the DEMO flag.
    extras: { evaluation: { ...ev, outcome: { to: outcome.to, dsr: outcome.dsr, checks: outcome.checks, reasons: [], deflated: outcome.deflated }, demo: true }, dailySharpe: ev.daily.sharpe, params: ev.chosenParams },
  });
  if (!moved.ok) throw new Error(`seed: ${moved.reason}`);
  paper = moved.hypothesis;
  // Telegram delivers to a private chat only after its user wrote to the bot.
  for (const u of [ADMIN, VIEWER]) await h.say(u, '/start');
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const say = (user: number, text: string, re: RegExp) => replyTo(h, user, text, re);
const press = (user: number, messageId: number, data: string) => pressAnswer(h, user, messageId, data);
const retireRows = async (id: string) => (await store.transitions(id)).filter((t) => t.event === 'retire');

describe('/hypotheses and /hypothesis', () => {
  it('/hypotheses: counts per state with caps that add up, the top rows, and a lifecycle chart', async () => {
    const after = h.emulator.lastSeq;
    const r = await say(VIEWER, '/hypotheses', /Hypotheses/);
    const text = textOf(r);
    const counts = /US: INCUBATING (\d+)\/50 · PAPER (\d+)\/10 · LIVE (\d+)\/3 · RETIRED (\d+) = (\d+) hypotheses/.exec(text)!;
    expect(counts.slice(1).map(Number)).toEqual([2, 1, 0, 0, 3]);
    expect(text).toContain(`${paper.id} · `);
    expect(text).toMatch(/Sharpe 1\.73 \(OOS\)/);
    for (const i of incubating.slice(1)) expect(text).toContain(i.id);
    const chart = await waitMessage(h.emulator, VIEWER, after, /Hypotheses per state/, 15_000);
    expect(chart.method).toBe('sendPhoto');
  }, 30_000);

  it('/hypothesis ID: the checks recompute, the transitions, an equity chart; an unknown id says how to list ids', async () => {
    const after = h.emulator.lastSeq;
    const r = await say(VIEWER, `/hypothesis ${paper.id.toUpperCase()}`, new RegExp(`${paper.id} · `));
    const text = textOf(r);
    expect(text).toMatch(/State PAPER \(version 2\)/);
    expect(text).toMatch(/Walk-forward on DEMO \(synthetic\) bars 2024-01-02 → 2026-12-04/);
    expect(text).toMatch(/✅ OOS trades 52 ≥ 30/);
    expect(text).toMatch(/✅ Max drawdown 9\.1% ≤ 15\.0%/);
    expect(text).toMatch(/Transitions \(2\):[\s\S]*— → INCUBATING · proposed by generator[\s\S]*INCUBATING → PAPER · incubation passed by incubator/);
    expect(text).toMatch(/OOS equity 2025-01-02 → 2026-12-04: 100,000 → 118,400 \(\+18\.4%\)/);
    const chart = await waitMessage(h.emulator, VIEWER, after, new RegExp(`${paper.id}: out-of-sample equity`), 15_000);
    expect(chart.method).toBe('sendPhoto');
    expect(textOf(await say(VIEWER, '/hypothesis hdeadbeef', /No hypothesis/))).toMatch(/Send \/hypotheses to list them/);
  }, 30_000);
});

describe('/retire', () => {
  it('a viewer is refused and nothing changes', async () => {
    expect(textOf(await say(VIEWER, `/retire ${paper.id}`, /needs the admin role/))).not.toMatch(/Confirm/);
    expect((await store.get(paper.id))!.state).toBe('PAPER');
    expect(await retireRows(paper.id)).toEqual([]);
  }, 30_000);

  it("a viewer's press on an admin's confirm changes nothing; the admin's double tap retires once, on the audit chain, which verifies", async () => {
    const ask = await say(ADMIN, `/retire ${paper.id}`, /Retire h[0-9a-f]+\?/);
    expect(textOf(ask)).toMatch(/state PAPER \(version 2\)/);
    expect(textOf(ask)).toMatch(/RETIRED is final/);
    const confirm = buttonsOfEvent(ask).find((b) => /Confirm: retire/.test(b.text))!;
    expect(confirm).toBeDefined();
    // The viewer cannot see the admin's chat, but a crafted press with the same data is refused all the same.
    const before = h.emulator.lastSeq;
    const { callback_query_id } = h.emulator.pressButton({ userId: VIEWER, chatId: VIEWER, messageId: ask.message_id!, data: confirm.callback_data, firstName: 'Viewer', allowUnknownData: true });
    const stranger = await h.emulator.waitFor((e) => e.method === 'answerCallbackQuery' && e.callback_query_id === callback_query_id, 10_000, { afterSeq: before });
    expect(stranger.text).toMatch(/Only an admin can retire/);
    expect((await store.get(paper.id))!.state).toBe('PAPER');
    const [a1, a2] = await Promise.all([press(ADMIN, ask.message_id!, confirm.callback_data), press(ADMIN, ask.message_id!, confirm.callback_data)]);
    expect([a1.text, a2.text].filter((t) => /already used/.test(t ?? ''))).toHaveLength(1);
    expect([a1.text, a2.text].filter((t) => /Retired h/.test(t ?? ''))).toHaveLength(1);
    await sleep(300);
    const now = (await store.get(paper.id))!;
    expect(now).toMatchObject({ state: 'RETIRED', version: 3, retiredReason: 'admin' });
    const rows = await retireRows(paper.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ from_state: 'PAPER', to_state: 'RETIRED', actor: String(ADMIN) });
    expect(rows[0]!.audit_seq).not.toBeNull();
    expect((await h.running.app.audit.verify()).ok).toBe(true);
    expect(textOf(await say(ADMIN, `/retire ${paper.id}`, /already RETIRED/))).toMatch(/RETIRED is final/);
  }, 30_000);

  it('a confirm shown before the hypothesis moved changes nothing and says why', async () => {
    const target = incubating[1]!;
    const ask = await say(ADMIN, `/retire ${target.id}`, /Retire h[0-9a-f]+\?/);
    expect(textOf(ask)).toMatch(/state INCUBATING \(version 1\)/);
    const confirm = buttonsOfEvent(ask).find((b) => /Confirm: retire/.test(b.text))!;
    // The incubator finishes meanwhile: INCUBATING → RETIRED by its own verdict.
    const moved = await store.transition(target.id, 1, { kind: 'incubation_failed' }, { actor: 'incubator', session: '2026-12-04', figures: {}, extras: { retiredReason: 'too_few_trades' } });
    expect(moved.ok).toBe(true);
    const answer = await press(ADMIN, ask.message_id!, confirm.callback_data);
    expect(answer.text).toMatch(/already RETIRED.*too few trades.*nothing was changed/);
    expect(await retireRows(target.id)).toEqual([]);
    expect((await store.get(target.id))!).toMatchObject({ state: 'RETIRED', retiredReason: 'too_few_trades', version: 2 });

    const other = incubating[2]!;
    const ask2 = await say(ADMIN, `/retire ${other.id}`, /Retire h[0-9a-f]+\?/);
    const confirm2 = buttonsOfEvent(ask2).find((b) => /Confirm: retire/.test(b.text))!;
    const ev = evaluation();
    const passed = await store.transition(other.id, 1, { kind: 'incubation_passed' }, { actor: 'incubator', session: '2026-12-04', figures: {}, extras: { evaluation: ev } });
    expect(passed.ok).toBe(true);
    const answer2 = await press(ADMIN, ask2.message_id!, confirm2.callback_data);
    expect(answer2.text).toMatch(/changed since this was shown \(version 1 then; now PAPER, version 2/);
    expect((await store.get(other.id))!.state).toBe('PAPER');
    expect(await retireRows(other.id)).toEqual([]);
  }, 30_000);
  it('retiring one that is being incubated also asks its walk-forward to stop (the cancel flag the incubation polls)', async () => {
    const [fresh] = await store.propose('US', '2026-12-02', [{ definition: definition(7), canonical: 'e2e-chat:7' }], 'generator');
    const key = incubationCancelKey(h.prefix, fresh!.id);
    expect(await h.running.app.redis.get(key)).toBeNull();
    const ask = await say(ADMIN, `/retire ${fresh!.id}`, /Retire h[0-9a-f]+\?/);
    const confirm = buttonsOfEvent(ask).find((b) => /Confirm: retire/.test(b.text))!;
    expect((await press(ADMIN, ask.message_id!, confirm.callback_data)).text).toMatch(/Retired/);
    expect((await store.get(fresh!.id))!.state).toBe('RETIRED');
    expect(await h.running.app.redis.get(key)).toBe('1');
  }, 30_000);
});

/**
 * /promote ID and the Promote card's buttons (issue 14 item 5) through the real telegraf bot, the
 * queues and the Bot API emulator. Hypotheses are seeded through HypothesisStore and their shadow
 * books through HypothesisBookStore.upsert, as the session review writes them.
 *
 * - /promote on a PAPER hypothesis that does not qualify says which checks fail, and shows no button;
 * - on one that qualifies: the card (paper checks, OOS figures, half-Kelly sizing, Promote / Keep);
 * - a viewer's tap changes nothing; a button shown before the hypothesis moved changes nothing and says why;
 * - an admin's tap makes it LIVE once (one promote transition on the audit chain, which verifies).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HypothesisBookStore } from '../../src/trading/hypotheses/books.js';
import { HypothesisStore } from '../../src/trading/hypotheses/store.js';
import { buttonsOfEvent, pressAnswer, replyTo, sleep, textOf, waitMessage } from '../helpers/execution.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { QUALIFYING, seedPaper, snapshot } from '../integration/trading/hypotheses/promote-seed.js';

const ADMIN = 1;
const VIEWER = 3;

let h: Harness;
let store: HypothesisStore;
let books: HypothesisBookStore;

beforeAll(async () => {
  h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin,${VIEWER}:viewer` } });
  store = new HypothesisStore(h.running.app.uow, h.running.app.audit);
  books = new HypothesisBookStore(h.running.app.uow);
  for (const u of [ADMIN, VIEWER]) await h.say(u, '/start');
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const say = (user: number, text: string, re: RegExp) => replyTo(h, user, text, re);
const press = (user: number, messageId: number, data: string) => pressAnswer(h, user, messageId, data);
const promoteRows = async (id: string) => (await store.transitions(id)).filter((t) => t.event === 'promote');

describe('/promote', () => {
  it('a viewer may not; a hypothesis that does not qualify gets no card and the failing checks', async () => {
    const p = await seedPaper(store, 'e2e-promote', 1);
    expect(textOf(await say(VIEWER, `/promote ${p.id}`, /needs the admin role/))).not.toMatch(/Promote h/);
    await snapshot(books, p, { sessions: 40, paper: { ...QUALIFYING, profitFactor: 1.2 } });
    const r = await say(ADMIN, `/promote ${p.id}`, /does not qualify/);
    expect(textOf(r)).toMatch(/no force-promote/);
    expect(textOf(r)).toMatch(/❌ Profit factor 1\.20 ≥ 1\.3/);
    expect(buttonsOfEvent(r)).toEqual([]);
  }, 30_000);

  it("the card; a viewer's tap and a stale button change nothing; an admin's tap makes it LIVE once, audited", async () => {
    const p = await seedPaper(store, 'e2e-promote', 2);
    await snapshot(books, p, { sessions: 40, paper: QUALIFYING });
    const beforeAsk = h.emulator.lastSeq;
    const ask = await say(ADMIN, `/promote ${p.id.toUpperCase()}`, /Promote h[0-9a-f]+ to LIVE\?/);
    const text = textOf(ask);
    // The same card as the session job's: its shadow-book equity chart follows the text.
    const chart = await waitMessage(h.emulator, ADMIN, beforeAsk, new RegExp(`${p.id}: shadow-book equity \\(PAPER\\)`), 15_000);
    expect(chart.method).toBe('sendPhoto');
    expect(text).toMatch(/✅ Sessions in PAPER 40 ≥ 30/);
    expect(text).toMatch(/✅ Closed shadow trades 24 ≥ 20/);
    expect(text).toMatch(/✅ Max drawdown 4\.2% ≤ 10\.0%/);
    expect(text).toMatch(/Out-of-sample .*52 trades · Sharpe 1\.50/);
    expect(text).toMatch(/p = 10\/20 = 0\.500/);
    expect(text).toMatch(/shrink = n\/\(n \+ 30\) = 20\/50 = 0\.400/);
    expect(text).toMatch(/LIVE in US: 0\/3/);
    const promote = buttonsOfEvent(ask).find((b) => /^🚀 Promote/.test(b.text))!;
    expect(promote).toBeDefined();
    expect(buttonsOfEvent(ask).some((b) => /Keep/.test(b.text))).toBe(true);

    // A viewer's crafted press with the same data (on a message in the viewer's own chat) is refused.
    const inViewerChat = await say(VIEWER, `/promote ${p.id}`, /needs the admin role/);
    const before = h.emulator.lastSeq;
    const { callback_query_id } = h.emulator.pressButton({ userId: VIEWER, chatId: VIEWER, messageId: inViewerChat.message_id!, data: promote.callback_data, firstName: 'Viewer', allowUnknownData: true });
    const stranger = await h.emulator.waitFor((e) => e.method === 'answerCallbackQuery' && e.callback_query_id === callback_query_id, 10_000, { afterSeq: before });
    expect(stranger.text).toMatch(/Only an admin can promote/);
    expect((await store.get(p.id))!.state).toBe('PAPER');

    // A second card, then the hypothesis moves (the first card's Keep is not it: a state change) — shown on an older version.
    const other = await seedPaper(store, 'e2e-promote', 3);
    await snapshot(books, other, { sessions: 40, paper: QUALIFYING });
    const ask2 = await say(ADMIN, `/promote ${other.id}`, /Promote h[0-9a-f]+ to LIVE\?/);
    const promote2 = buttonsOfEvent(ask2).find((b) => /^🚀 Promote/.test(b.text))!;
    expect((await store.transition(other.id, other.version, { kind: 'paper_retired' }, { actor: 'session-review', session: '2026-11-02', figures: {} })).ok).toBe(true);
    const staleAnswer = await press(ADMIN, ask2.message_id!, promote2.callback_data);
    expect(staleAnswer.text).toMatch(/changed since this card was shown.*Nothing was changed/);
    expect(await promoteRows(other.id)).toEqual([]);

    const [a1, a2] = await Promise.all([press(ADMIN, ask.message_id!, promote.callback_data), press(ADMIN, ask.message_id!, promote.callback_data)]);
    expect([a1.text, a2.text].filter((t) => /Promoted h/.test(t ?? ''))).toHaveLength(1);
    expect([a1.text, a2.text].filter((t) => /already used/.test(t ?? ''))).toHaveLength(1);
    await sleep(300);
    expect((await store.get(p.id))!).toMatchObject({ state: 'LIVE', version: p.version + 1 });
    const rows = await promoteRows(p.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ from_state: 'PAPER', to_state: 'LIVE', actor: String(ADMIN) });
    expect(rows[0]!.audit_seq).not.toBeNull();
    expect((await h.running.app.audit.verify()).ok).toBe(true);
    expect(textOf(await say(ADMIN, `/promote ${p.id}`, /is LIVE/))).toMatch(/only a PAPER hypothesis/);
  }, 45_000);
});

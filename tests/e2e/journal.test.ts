/**
 * The decision journal (issue 20, item 3), through the real bot, workers and paper broker against the
 * Bot API emulator, on a session day: /scan over 40 synthetic symbols (six signal) with SCAN_TOP_N=2
 * posts two cards and cuts the rest. Then:
 * - `/journal SYMBOL` of a symbol that signalled but was cut says so, and its "Why" button shows the
 *   rank, the cut and the scores, which compare as stated;
 * - a full-universe scan wrote rows only for symbols that signalled;
 * - after approving a card (filled through the paper broker), `/journal <pick id>` lists the fill
 *   and its "Why" shows how the pick was sized; the figures shown recompute to the quantity filled;
 * - `courtside journal --symbol S --json` lists the same rows as the chat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticSeries } from '../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../src/adapters/market-data/synthetic/sessions.js';
import { journalCommand as journalCli } from '../../src/cli/commands/journal.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { approvalSettled, buttonsOfEvent, textOf, until, waitMessage } from '../helpers/execution.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { realTime, setMarketTime } from '../helpers/market-time.js';
import { setProcessEnv } from '../helpers/process-env.js';

const AS_OF = '2026-12-03';
const FRIDAY_1100 = '2026-12-04T11:00:00-05:00';
const SYMBOLS = Array.from({ length: 40 }, (_, i) => `LOC${String(i).padStart(3, '0')}`);
const USER = 1; // the local user, an admin
const TOP_N = 2;

let h: Harness;
let cards: OutboxEvent[] = [];

beforeAll(async () => {
  setMarketTime(FRIDAY_1100);
  h = await startHarness({ mode: 'local', roles: ['bot', 'worker'], env: { MARKET_HOURS: 'exchange', SCAN_CHUNK_SIZE: '20', SCAN_TOP_N: String(TOP_N) } });
  const sessions = weekdaySessions(AS_OF, 260);
  await h.running.app.bars.writeBars(
    SYMBOLS.map((symbol) => ({ symbol, series: generateSyntheticSeries({ symbol, sessions, dollarAdv: 5e7 }) })),
    { source: 'synthetic', demo: true },
  );
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text: '/start', firstName: 'Ada' });
  await waitMessage(h.emulator, USER, after, /./, 10_000);
  const start = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text: '/scan', firstName: 'Ada' });
  cards = await until(
    'the pick cards',
    async () => {
      const photos = (await h.emulator.events({ chatId: USER, afterSeq: start })).filter((e) => e.method === 'sendPhoto' && /pick p/.test(textOf(e)));
      return photos.length >= TOP_N ? photos : undefined;
    },
    45_000,
    200,
  );
}, 90_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

/** Sends a command and waits for the answer matching `re`. */
async function ask(text: string, re: RegExp): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text, firstName: 'Ada' });
  return waitMessage(h.emulator, USER, after, re, 15_000);
}

/** Presses a button and waits for the message matching `re`. */
async function press(msg: OutboxEvent, data: string, re: RegExp): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  h.emulator.pressButton({ userId: USER, messageId: msg.message_id!, data, firstName: 'Ada' });
  return waitMessage(h.emulator, USER, after, re, 15_000);
}

/** The journal refs the Why buttons of a /journal answer carry (`d…` decisions, `a…` audit rows), in order. */
function whyRefs(msg: OutboxEvent): string[] {
  return buttonsOfEvent(msg)
    .filter((b) => /Why/.test(b.text))
    .map((b) => /^jo\.w([da]\d+)\./.exec(b.callback_data)?.[1] ?? 'unparsed');
}

/** `courtside journal …` run in this process against the harness's database. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const restore = setProcessEnv({ DATABASE_URL: h.dbUrl });
  let out = '';
  try {
    const code = await journalCli.run(args, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    return { code, out };
  } finally {
    restore();
  }
}

const num = (s: string) => Number(s.replace(/[$,]/g, ''));

describe('the decision journal', () => {
  it('answers "why was X not picked today" for a symbol that signalled but was cut by the top-N cut', async () => {
    const posted = new Set(cards.map((c) => /📈 (\S+)/.exec(textOf(c))?.[1]));
    const signalled = ((await h.running.app.ds.query(`SELECT DISTINCT symbol FROM picks WHERE session_date = $1 ORDER BY symbol`, [AS_OF])) as { symbol: string }[]).map((r) => r.symbol);
    const cut = signalled.filter((s) => !posted.has(s));
    expect(cut.length, `signalled ${signalled.join(',')}, posted ${[...posted].join(',')}`).toBeGreaterThan(0);
    const symbol = cut[0]!;

    const answer = await ask(`/journal ${symbol}`, /Journal/);
    const t = textOf(answer);
    expect(t).toMatch(new RegExp(`${symbol}.*signal`));
    expect(t).toMatch(new RegExp(`${symbol}.*not posted.*top ${TOP_N}`));
    const refs = whyRefs(answer);
    expect(refs.length).toBeGreaterThanOrEqual(2);
    expect(refs).not.toContain('unparsed');

    // The card decision's Why: its rank, the cut and the scores — numbers that compare as stated.
    const lines = t.split('\n').filter((l) => /^\d+\./.test(l));
    const cardLine = lines.findIndex((l) => /not posted/.test(l));
    const why = await press(answer, buttonsOfEvent(answer).filter((b) => /Why/.test(b.text))[cardLine]!.callback_data, /Why/);
    const w = textOf(why);
    const rank = /ranked #(\d+) of (\d+)/.exec(w);
    const scores = /score (\S+) (?:below|equal to) (\S+), the score of #(\d+)/.exec(w);
    expect(rank && scores, w).toBeTruthy();
    expect(Number(rank![1])).toBeGreaterThan(TOP_N);
    expect(Number(rank![2])).toBe(signalled.length);
    expect(Number(scores![3])).toBe(TOP_N);
    expect(Number(scores![1])).toBeLessThanOrEqual(Number(scores![2]));
    expect(w).toMatch(/audit #\d+/);

    // The signal's Why: its source, session and the values of its Why line.
    const sigLine = lines.findIndex((l) => /signal/.test(l));
    const sig = textOf(await press(answer, buttonsOfEvent(answer).filter((b) => /Why/.test(b.text))[sigLine]!.callback_data, /Why/));
    expect(sig).toContain(AS_OF);
    expect(sig).toMatch(/Entry \S+ · stop \S+/);

    // "today" (the app's New York day) lists the whole scan: six signals and six card decisions, paged by ten.
    const today = await ask('/journal today', /Journal — today/);
    expect(textOf(today)).toMatch(new RegExp(`${symbol} · not posted`));
    expect(whyRefs(today)).toHaveLength(10);
    const older = buttonsOfEvent(today).find((b) => /Older/.test(b.text));
    expect(older, textOf(today)).toBeDefined();
    const page2 = await press(today, older!.callback_data, /Journal — today/);
    expect(textOf(page2)).toMatch(/^11\. /m);
    expect(whyRefs(page2)).toHaveLength(2 * signalled.length - 10);

    // The CLI lists the same rows, newest first.
    const r = await cli(['--symbol', symbol, '--json']);
    expect(r.code, r.out).toBe(0);
    const json = JSON.parse(r.out) as { entries: { ref: string; symbol: string | null }[] };
    expect(json.entries.map((e) => e.ref)).toEqual(refs);
  }, 60_000);

  it('writes no row for a symbol scanned without a signal', async () => {
    const rows = (await h.running.app.ds.query(`SELECT symbol, kind, outcome FROM decisions`)) as { symbol: string; kind: string; outcome: string }[];
    const signalled = new Set(((await h.running.app.ds.query(`SELECT symbol FROM picks`)) as { symbol: string }[]).map((r) => r.symbol));
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.symbol)).size).toBe(signalled.size);
    expect(rows.filter((r) => !signalled.has(r.symbol))).toEqual([]);
    expect(signalled.size).toBeLessThan(SYMBOLS.length);
  });

  it('answers "why was X not ordered" for a symbol whose Approve a gate refused (the kill switch), with the reason', async () => {
    const card = cards[1]!;
    const symbol = /📈 (\S+)/.exec(textOf(card))![1]!;
    const app = h.running.app;
    await app.killSwitch.engage('journal drill', USER);
    try {
      const approve = buttonsOfEvent(card).find((b) => /Approve/.test(b.text))!;
      const after = h.emulator.lastSeq;
      h.emulator.pressButton({ userId: USER, messageId: card.message_id!, data: approve.callback_data, firstName: 'Ada' });
      await h.emulator.waitFor((e) => e.method === 'answerCallbackQuery' && /Kill switch is ON/.test(textOf(e)), 10_000, { afterSeq: after });
    } finally {
      await app.killSwitch.resume(USER);
    }
    const answer = await ask(`/journal ${symbol}`, /Journal/);
    const lines = textOf(answer).split('\n').filter((l) => /^\d+\./.test(l));
    const refused = lines.findIndex((l) => /refused/i.test(l));
    expect(refused, textOf(answer)).toBeGreaterThanOrEqual(0);
    // Newest first: the refusal is above the scan's decision about this symbol.
    expect(lines.findIndex((l) => /posted|card/i.test(l))).toBeGreaterThan(refused);
    const why = textOf(await press(answer, buttonsOfEvent(answer).filter((b) => /Why/.test(b.text))[refused]!.callback_data, /Why/));
    expect(why).toMatch(/kill_switch|kill switch/i);
    expect((await app.ds.query(`SELECT count(*)::int AS n FROM orders o JOIN picks p ON p.symbol = o.symbol WHERE p.symbol = $1`, [symbol]))[0].n).toBe(0);
  }, 60_000);

  it('answers "how was this sized" for a filled order, with numbers that recompute', async () => {
    const card = cards[0]!;
    const pickId = /pick (p[0-9a-z]+)/.exec(textOf(card))![1]!;
    const approve = buttonsOfEvent(card).find((b) => /Approve/.test(b.text))!;
    h.emulator.pressButton({ userId: USER, messageId: card.message_id!, data: approve.callback_data, firstName: 'Ada' });
    const approval = await approvalSettled(h.running.app.ds, pickId, 30_000);
    expect(approval.state, JSON.stringify(approval.reason_detail)).toBe('filled');
    const order = ((await h.running.app.ds.query(`SELECT id::text AS id, filled_qty FROM orders WHERE approval_id = $1`, [approval.id])) as { id: string; filled_qty: number }[])[0]!;

    // By the order's id: its journal is the pick's, newest first, with the fill on top.
    const answer = await ask(`/journal ${order.id}`, /Journal/);
    const lines = textOf(answer).split('\n').filter((l) => /^\d+\./.test(l));
    const filledLine = lines.findIndex((l) => /filled/.test(l));
    expect(filledLine, textOf(answer)).toBeGreaterThanOrEqual(0);
    expect(lines.some((l) => /approved/.test(l))).toBe(true);
    const why = textOf(await press(answer, buttonsOfEvent(answer).filter((b) => /Why/.test(b.text))[filledLine]!.callback_data, /Why/));

    const equity = /equity (\$[\d,.]+) × risk ([\d.]+) % = (\$[\d,.]+)/.exec(why);
    const perShare = /entry (\S+) − stop (\S+) = (\S+) a share/.exec(why);
    const byRisk = /→ (\d+) shares by risk/.exec(why);
    const cap = /cap ([\d.]+) % of equity = (\$[\d,.]+) ÷ entry (\S+) → (\d+) shares/.exec(why);
    const qty = /qty = min\((\d+), (\d+)\) = (\d+)/.exec(why);
    const filled = /filled (\d+)/.exec(why);
    expect(equity && perShare && byRisk && cap && qty && filled, why).toBeTruthy();
    const eq = num(equity![1]!);
    const riskDollars = (eq * Number(equity![2])) / 100;
    expect(Math.round(riskDollars * 100)).toBe(Math.round(num(equity![3]!) * 100));
    const ps = Number(perShare![1]) - Number(perShare![2]);
    expect(Math.round(ps * 100)).toBe(Math.round(Number(perShare![3]) * 100));
    expect(Number(byRisk![1])).toBe(Math.floor(riskDollars / ps + 1e-9));
    const capDollars = (eq * Number(cap![1])) / 100;
    expect(Math.round(capDollars * 100)).toBe(Math.round(num(cap![2]!) * 100));
    expect(Number(cap![4])).toBe(Math.floor(capDollars / Number(cap![3]) + 1e-9));
    expect(Number(qty![1])).toBe(Number(byRisk![1]));
    expect(Number(qty![2])).toBe(Number(cap![4]));
    expect(Number(qty![3])).toBe(Math.min(Number(qty![1]), Number(qty![2])));
    // The quantity sized is the quantity filled (the paper broker fills the whole IOC).
    expect(Number(filled![1])).toBe(order.filled_qty);
    expect(Number(qty![3])).toBe(order.filled_qty);

    // The CLI's JSON of the same symbol holds the fill, linked to the audit chain.
    const symbol = /📈 (\S+)/.exec(textOf(card))![1]!;
    const r = await cli(['--symbol', symbol, '--json']);
    const json = JSON.parse(r.out) as { entries: { ref: string; action: string; auditSeq: number | null }[] };
    const fill = json.entries.find((e) => e.action === 'order.filled');
    expect(fill?.auditSeq, r.out).toBeGreaterThan(0);
    expect(json.entries.every((e) => e.auditSeq !== null)).toBe(true);
  }, 60_000);
});

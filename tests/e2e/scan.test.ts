import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BarSeries } from '../../src/engine/bars.js';
import { rankSignals, scanLatest } from '../../src/engine/scan/index.js';
import { generateSyntheticSeries } from '../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../src/adapters/market-data/synthetic/sessions.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

const AS_OF = '2026-11-20';
const SYMBOLS = Array.from({ length: 200 }, (_, i) => `SYN${String(i).padStart(3, '0')}`);

function pngSize(b: Buffer): { w: number; h: number } {
  expect(b.subarray(1, 4).toString()).toBe('PNG');
  return { w: b.readUInt32BE(16), h: b.readUInt32BE(20) };
}

/** /scan through the real bot, queues and workers, against data stored in the bars store. */
describe('/scan and /picks', () => {
  let h: Harness;
  let universe: BarSeries[];
  beforeAll(async () => {
    h = await startHarness({ mode: 'local', env: { SCAN_CHUNK_SIZE: '25', SCAN_TOP_N: '3' } });
    const sessions = weekdaySessions(AS_OF, 600);
    universe = SYMBOLS.map((symbol) => generateSyntheticSeries({ symbol, sessions, dollarAdv: 5e7 }));
    await h.running.app.bars.writeBars(
      universe.map((series) => ({ symbol: series.symbol, series })),
      { source: 'synthetic', demo: true },
    );
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('scans in chunks, edits the ack with the result and posts the top picks as chart cards', async () => {
    const expected = rankSignals(scanLatest(universe, AS_OF, ['donchian', 'turtle_soup']).signals);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    const after = h.emulator.lastSeq;
    let events: Awaited<ReturnType<typeof h.emulator.events>> = [];
    h.emulator.sendUserMessage({ userId: 1, text: '/scan' });
    const photos: typeof events = [];
    const deadline = Date.now() + 30_000;
    let seq = after;
    while (Date.now() < deadline) {
      // Ask only for new events: re-reading old ones would resolve at once and spin without yielding to I/O.
      const fresh = await h.emulator.events({ chatId: 1, afterSeq: seq, waitMs: 500 });
      events = [...events, ...fresh];
      seq = Math.max(seq, ...fresh.map((e) => e.seq));
      const done = events.some((e) => e.method === 'editMessageText' && /Scan done/.test(textOf(e)));
      photos.splice(0, photos.length, ...events.filter((e) => e.method === 'sendPhoto'));
      if (done && photos.length >= 3) break;
    }
    const ack = events.find((e) => e.method === 'sendMessage');
    expect(textOf(ack)).toMatch(/Scan queued/);
    const final = events.filter((e) => e.method === 'editMessageText').pop();
    expect(textOf(final)).toMatch(new RegExp(`Scan done — 200 symbols as of ${AS_OF} · DEMO data`));
    expect(textOf(final)).toContain(`Signals: ${expected.length}`);
    expect(photos).toHaveLength(3);
    expect(photos.map((p) => /📈 (\S+)/.exec(textOf(p))?.[1])).toEqual(expected.slice(0, 3).map((s) => s.symbol));
    for (const p of photos) {
      expect(textOf(p)).toMatch(/DEMO/);
      expect(textOf(p)).toMatch(/Entry \(limit\) \d+\.\d\d · Stop \d+\.\d\d/);
      expect(textOf(p)).toMatch(/Qty \d+ · risk \$/);
      const buttons = p.message!.reply_markup!.inline_keyboard.flat().map((b: { text: string }) => b.text);
      expect(buttons).toEqual(['✅ Approve', '✖ Reject']);
      const file = h.emulator.file(p.message!.photo![0]!.file_id);
      const png = Buffer.from(file!.data);
      expect(pngSize(png)).toEqual({ w: 900, h: 500 });
      expect(png.length).toBeGreaterThan(10_000);
    }
    // Levels on the card match the engine's signal for that symbol.
    const first = expected[0]!;
    expect(textOf(photos[0])).toContain(`Entry (limit) ${first.close.toFixed(2)} · Stop ${first.stop.toFixed(2)}`);
  }, 45_000);

  it('Approve on a card places one paper order and answers with the outcome; the card loses its buttons', async () => {
    const cards = (await h.emulator.events({ chatId: 1 })).filter((e) => e.method === 'sendPhoto');
    const card = cards[0]!;
    const symbol = /📈 (\S+)/.exec(card.message!.caption ?? '')![1]!;
    const approve = card.message!.reply_markup!.inline_keyboard[0]![0] as { callback_data: string };
    // The answer, the bot's caption edit, then the worker's confirmation, its caption edit and (when filled) the chart.
    const events = await h.press(1, card.message!.message_id, approve.callback_data, { count: 4, timeoutMs: 20_000 });
    const late = await h.emulator.waitFor((e) => e.method === 'sendPhoto' && e.seq > events.at(-1)!.seq, 5_000).catch(() => null);
    if (late) events.push(late);
    expect(textOf(events.find((e) => e.method === 'answerCallbackQuery'))).toMatch(new RegExp(`Approved ${symbol}: placing the order`));
    const edits = events.filter((e) => e.method === 'editMessageCaption');
    expect(edits.length).toBe(2);
    for (const e of edits) expect(e.message!.reply_markup?.inline_keyboard ?? []).toEqual([]);
    const confirmation = events.find((e) => e.method === 'sendMessage');
    // Bought (with a chart) or refused by a gate — either way it names the symbol, and at most one order exists.
    expect(textOf(confirmation)).toContain(symbol);
    const orders = (await h.running.app.ds.query(`SELECT count(*)::int AS n FROM paper_orders`)) as { n: number }[];
    expect(orders[0]!.n).toBeLessThanOrEqual(1);
    if (/Bought/.test(textOf(confirmation))) {
      expect(orders[0]!.n).toBe(1);
      expect(textOf(late ?? undefined)).toMatch(new RegExp(`${symbol} · bought`));
    }
  });

  it('/picks lists every stored pick of the session with its state', async () => {
    const expected = rankSignals(scanLatest(universe, AS_OF, ['donchian', 'turtle_soup']).signals);
    const [reply] = await h.say(1, '/picks');
    const t = textOf(reply);
    expect(t).toMatch(new RegExp(`Picks for ${AS_OF} · DEMO \\(${expected.length}\\)`));
    for (const s of expected) expect(t).toContain(s.symbol);
    expect(t).toMatch(/pending/);
    expect(t).toMatch(/executed|failed/);
    const [none] = await h.say(1, '/picks 2020-01-01');
    expect(textOf(none)).toMatch(/No picks for 2020-01-01/);
    const [bad] = await h.say(1, '/picks yesterday');
    expect(textOf(bad)).toMatch(/Usage: \/picks/);
  });

  it('a viewer may list picks but not scan', async () => {
    const v = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin,2:viewer' } });
    try {
      expect(textOf((await v.say(2, '/scan'))[0])).toMatch(/needs the trader role/);
      expect(textOf((await v.say(2, '/scan bogus'))[0])).toMatch(/needs the trader role/);
      expect(textOf((await v.say(1, '/scan bogus'))[0])).toMatch(/Usage: \/scan/);
    } finally {
      await v.stop();
    }
  });
});

/**
 * Card and fill numbers multiply out (issue 13, item 8), through the real bot, workers and paper
 * broker against the Bot API emulator, on a session day (the app's clock is set): /scan over
 * synthetic bars posts pick cards whose stops come from ATRs (close − 2 × ATR); every card's risk
 * is qty × (entry − stop) of the entry and stop it shows, to the cent. Approving one gives a fill
 * confirmation whose notional is filled × avg and whose risk is filled × (avg − stop), to the cent,
 * with a stop on the tick as stored on the position.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { generateSyntheticSeries } from '../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../src/adapters/market-data/synthetic/sessions.js';
import { approvalSettled, textOf, until, waitMessage } from '../helpers/execution.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { realTime, setMarketTime } from '../helpers/market-time.js';

/** Thursday's bars; the scan runs on Friday morning, as of Thursday's close. These 40 symbols give six signals. */
const AS_OF = '2026-12-03';
const FRIDAY_1100 = '2026-12-04T11:00:00-05:00';
const SYMBOLS = Array.from({ length: 40 }, (_, i) => `LOC${String(i).padStart(3, '0')}`);
const USER = 1; // the local user, an admin

let h: Harness;

beforeAll(async () => {
  setMarketTime(FRIDAY_1100);
  h = await startHarness({ mode: 'local', roles: ['bot', 'worker'], env: { MARKET_HOURS: 'exchange', SCAN_CHUNK_SIZE: '20', SCAN_TOP_N: '6' } });
  const sessions = weekdaySessions(AS_OF, 260);
  await h.running.app.bars.writeBars(
    SYMBOLS.map((symbol) => ({ symbol, series: generateSyntheticSeries({ symbol, sessions, dollarAdv: 5e7 }) })),
    { source: 'synthetic', demo: true },
  );
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text: '/start', firstName: 'Ada' });
  await waitMessage(h.emulator, USER, after, /./, 10_000);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

const cents = (n: number) => Math.round(n * 100);
/** "$1,234.56" → 1234.56 */
const dollars = (s: string) => Number(s.replace(/[$,]/g, ''));
/** Exactly the decimals a price may have on the US tick: 2 at or above $1. */
const onTick = (s: string) => /^\d+\.\d\d$/.test(s);

describe('pick cards and fill confirmations add up', () => {
  it('/scan cards: risk = qty × (entry − stop) to the cent; Approve → notional and risk of the fill to the cent', async () => {
    const em = h.emulator;
    const start = em.lastSeq;
    em.sendUserMessage({ userId: USER, text: '/scan', firstName: 'Ada' });
    const cards = await until(
      'six pick cards',
      async () => {
        const photos = (await em.events({ chatId: USER, afterSeq: start })).filter((e) => e.method === 'sendPhoto' && /pick p/.test(textOf(e)));
        return photos.length >= 6 ? photos : undefined;
      },
      45_000,
      200,
    );
    for (const card of cards) {
      const t = textOf(card);
      const levels = /Entry \(limit\) (\S+) · Stop (\S+)/.exec(t);
      const size = /Qty (\d+) · risk (\$[\d,]+\.\d\d)/.exec(t);
      expect(levels, t).not.toBeNull();
      expect(size, t).not.toBeNull();
      const [, entry, stop] = levels!;
      const [, qty, risk] = size!;
      expect(onTick(entry!) && onTick(stop!), t).toBe(true);
      expect(cents(Number(qty) * (Number(entry) - Number(stop))), t).toBe(cents(dollars(risk!)));
    }

    // Approve the first card: the fill confirmation's numbers multiply out too.
    const card = cards[0] as OutboxEvent;
    const pickId = /pick (p[0-9a-z]+)/.exec(textOf(card))![1]!;
    const approve = (card.message!.reply_markup!.inline_keyboard.flat() as { text: string; callback_data: string }[]).find((b) => /Approve/.test(b.text))!;
    const tapped = em.lastSeq;
    em.pressButton({ userId: USER, messageId: card.message_id!, data: approve.callback_data, firstName: 'Ada' });
    const approval = await approvalSettled(h.running.app.ds, pickId, 30_000);
    expect(approval.state, JSON.stringify(approval.reason_detail)).toBe('filled');
    const t = textOf(await waitMessage(em, USER, tapped, /Bought/, 20_000));
    const filled = /— (\d+)\/\d+ shares filled/.exec(t);
    const avg = /Avg (\S+) vs limit/.exec(t);
    const money = /Notional (\$[\d,]+\.\d\d) · stop (\S+) \(risk (\$[\d,]+\.\d\d) to it\)/.exec(t);
    expect(filled && avg && money, t).toBeTruthy();
    const q = Number(filled![1]);
    expect(cents(q * Number(avg![1]))).toBe(cents(dollars(money![1]!)));
    expect(onTick(money![2]!), t).toBe(true);
    expect(cents(q * (Number(avg![1]) - Number(money![2])))).toBe(cents(dollars(money![3]!)));
    const stored = (await h.running.app.ds.query(`SELECT stop::text AS stop FROM positions WHERE symbol = (SELECT symbol FROM picks WHERE id = $1)`, [pickId])) as { stop: string }[];
    expect(Number(stored[0]!.stop)).toBe(Number(money![2]));
  }, 90_000);
});

/**
 * Issue 15, "Done when" (first item), through the real bot and worker roles: BROKER=alpaca-paper
 * against the Alpaca emulators and BROKER_KR=kis-virtual against the KIS emulator.
 *
 * /scan kr → a KR card in won → ✅ Approve → an IOC limit order at the KIS emulator (virtual TR
 * ids) → the fill confirmation → /positions shows it in won beside a US position in dollars. Then,
 * with a resting order planted at KIS and one at Alpaca, /kill cancels both and the proof names
 * each broker with open orders now 0. No KR message contains "$" or a won amount with decimals.
 *
 * Both emulators follow the real clock; KIS's `alwaysOpen` and MARKET_HOURS=always let the fill
 * path run at any hour (the KRX-hours rules are tested on their own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../../src/engine/bars.js';
import { XKRX_CALENDAR } from '../../../src/engine/calendar/exchange.js';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { startKisEmulator, type KisEmulator } from '../../../src/dev/kis/server.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, approvalSettled, command, count, holdPosition, textOf, until, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { openAtBroker, restingOrder } from '../kill-switch/support.js';

const ADMIN = 1;
const KIS_KEY = 'PSe2eKrApproveKill0000000000000000000';
const KIS_SECRET = 'e2e-kis-secret-never-logged-0000000000000000000000000000000000000000';
const CODE = '069500';
/** 259 flat KRX sessions at ₩35,000, then a breakout close at ₩36,500 (above the 55-session high). */
const FLAT = 35_000;
const BREAKOUT = 36_500;
const quote = { bid: 9.99, ask: 10, bidSize: 1_000_000, askSize: 1_000_000 };

let trading: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let kis: KisEmulator;
let h: Harness;

/** KR bars ending at the last closed KRX session: whole won on the 5-won tick, ₩3.5 bn traded a day. */
function krBars(): Bar[] {
  const now = Date.now();
  const today = XKRX_CALENDAR.dateOf(now);
  const info = XKRX_CALENDAR.sessionInfo(today);
  let d = info && info.close <= now ? today : XKRX_CALENDAR.previousSession(today);
  const dates: string[] = [];
  while (dates.length < 260) {
    dates.unshift(d);
    d = XKRX_CALENDAR.previousSession(d);
  }
  return dates.map((date, i) => {
    const close = i === dates.length - 1 ? BREAKOUT : FLAT;
    return { date, open: FLAT, high: Math.max(close, FLAT + 100), low: FLAT - 100, close, volume: 100_000 };
  });
}

beforeAll(async () => {
  trading = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 1_000_000, quotes: { REST: quote } });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes: { REST: quote } });
  kis = await startKisEmulator({
    server: 'virtual',
    appKey: KIS_KEY,
    appSecret: KIS_SECRET,
    maxRps: 20,
    alwaysOpen: true,
    cash: 100_000_000,
    quotes: { [CODE]: { price: BREAKOUT, bid: BREAKOUT - 5, ask: BREAKOUT, name: 'KODEX 200' } },
  });
  h = await startHarness({
    mode: 'token',
    roles: ['bot', 'worker'],
    env: {
      TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin`,
      ...alpacaPaperEnv(trading.url, data.url),
      MARKET_HOURS: 'always',
      BROKER_KR: 'kis-virtual',
      KIS_APP_KEY: KIS_KEY,
      KIS_APP_SECRET: KIS_SECRET,
      KIS_ACCOUNT: '12345678-01',
      KIS_API_URL: kis.url,
      KIS_MAX_RPS: '20',
      EXEC_PER_ORDER_BUDGET_KR: '5000000',
      EXEC_DAILY_BUDGET_KR: '20000000',
    },
  });
  await h.running.app.bars.writeBars([{ symbol: CODE, bars: krBars() }], { source: 'test-kr', demo: true });
  await command(h, ADMIN, '/help', /./);
}, 90_000);

afterAll(async () => {
  await h?.stop();
  await kis?.close();
  await data?.close();
  await trading?.close();
});

const buttonsOf = (card: OutboxEvent) => card.message!.reply_markup!.inline_keyboard.flat() as { text: string; callback_data: string }[];
/** A KR message must never show dollars, won with decimals, or any figure with decimals (percentages keep theirs). */
function inWonOnly(text: string): void {
  expect(text).not.toContain('$');
  expect(text).not.toMatch(/₩[\d,]+\.\d/);
  expect(text).not.toMatch(/\d\.\d+(?![\d.]*%)/);
}

describe('the Korean market end to end', () => {
  it('/scan kr → ₩ card → Approve → KIS fill → /positions in ₩ beside US; /kill cancels at both brokers', async () => {
    const em = h.emulator;
    const ds = h.running.app.ds;
    // A US position in our books (and at Alpaca), to sit beside the KR one.
    await holdPosition(ds, 'REST', 3, 10);

    const start = em.lastSeq;
    em.sendUserMessage({ userId: ADMIN, text: '/scan kr' });
    const card = await until(
      'a KR pick card',
      async () => (await em.events({ chatId: ADMIN, afterSeq: start })).find((e) => e.method === 'sendPhoto' && new RegExp(`${CODE}`).test(textOf(e)) && /pick p/.test(textOf(e))),
      60_000,
      250,
    ).catch(async (err: Error) => {
      const got = (await em.events({ chatId: ADMIN, afterSeq: start })).map((e) => `${e.method}: ${textOf(e).slice(0, 300)}`);
      throw new Error(`${err.message}\nevents:\n${got.join('\n')}`);
    });
    const caption = textOf(card!);
    expect(caption).toMatch(/₩36,500/);
    // The whole card is won, its "Why:" line too: the strategy's figures in whole won, no dollar minimum price.
    inWonOnly(caption);
    expect(caption).toMatch(/^Why: close 36,500 > donchian upper55 .* 35,100; .*minPrice 0; stop 35,900 = close - 2 × atr14 300$/m);
    const pickId = /pick (p[0-9a-z]+)/.exec(caption)![1]!;

    const tapped = em.lastSeq;
    const approve = buttonsOf(card!).find((b) => /Approve/.test(b.text))!;
    em.pressButton({ userId: ADMIN, messageId: card!.message_id!, data: approve.callback_data });
    const approval = await approvalSettled(ds, pickId, 60_000);
    expect(approval.state, JSON.stringify(approval.reason_detail)).toBe('filled');

    // The order went to KIS (virtual server), as an IOC limit, and nowhere else.
    const kisOrders = kis.orders();
    expect(kisOrders).toHaveLength(1);
    expect(kisOrders[0]).toMatchObject({ pdno: CODE, side: 'buy', ordDvsn: '11' });
    // The limit is whole won on the KRX tick: ₩36,500 × 1.001 = ₩36,536.5 → ₩36,535, stored as sent and reserved as qty × it.
    const booked = (await ds.query(`SELECT broker, market, currency, qty, limit_price::float8 AS limit_price, reserved_amount::float8 AS reserved FROM orders WHERE symbol = $1`, [CODE])) as {
      broker: string;
      market: string;
      currency: string;
      qty: number;
      limit_price: number;
      reserved: number;
    }[];
    expect(kisOrders[0]!.price).toBe(36_535);
    expect(booked).toEqual([{ broker: 'kis-virtual', market: 'KR', currency: 'KRW', qty: kisOrders[0]!.qty, limit_price: 36_535, reserved: kisOrders[0]!.qty * 36_535 }]);
    expect(await count(ds, `SELECT count(*)::int AS n FROM positions WHERE symbol = $1 AND market = 'KR' AND qty > 0`, [CODE])).toBe(1);

    const confirmation = await waitMessage(em, ADMIN, tapped, new RegExp(`Bought ${CODE}`), 30_000);
    inWonOnly(textOf(confirmation));
    // Every KR message since the tap (the card edit, the confirmation, its chart caption) is in won.
    await until('the fill chart', async () => (await em.events({ chatId: ADMIN, afterSeq: tapped })).find((e) => e.method === 'sendPhoto'), 20_000, 250);
    for (const e of await em.events({ chatId: ADMIN, afterSeq: tapped })) inWonOnly(textOf(e));

    const shown = await command(h, ADMIN, '/positions', /KR \(KRX, ₩\)/, 20_000);
    const [us, kr] = textOf(shown).split('🇰🇷');
    expect(us).toMatch(/🇺🇸 US \(NYSE, \$\): 1 open/);
    expect(us).toMatch(/REST · 3 sh/);
    expect(kr).toMatch(new RegExp(`${CODE} · ${kisOrders[0]!.qty} sh`));
    inWonOnly(kr!);

    // A resting order at each broker; /kill cancels both and names each broker.
    kis.plantOrder({ pdno: CODE, side: 'buy', qty: 1, price: 30_000 });
    await restingOrder(trading.url, 'e2e-kr-kill-us');
    expect(kis.orders().filter((o) => !o.isCancel && o.remainingQty > 0)).toHaveLength(1);
    expect(openAtBroker(trading)).toHaveLength(1);
    const killed = em.lastSeq;
    await command(h, ADMIN, '/kill drill with two markets', /KILL SWITCH ON/, 20_000);
    const kisProof = await waitMessage(em, ADMIN, killed, /Broker orders cancelled at kis-virtual/, 40_000);
    const usProof = await waitMessage(em, ADMIN, killed, /Broker orders cancelled at alpaca-paper/, 40_000);
    expect(textOf(kisProof)).toMatch(/1 cancelled, open orders now 0/);
    expect(textOf(usProof)).toMatch(/1 cancelled, open orders now 0/);
    expect(kis.orders().filter((o) => !o.isCancel && o.remainingQty > 0)).toHaveLength(0);
    expect(openAtBroker(trading)).toHaveLength(0);
  }, 180_000);
});

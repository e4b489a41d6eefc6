/**
 * Issue 19, items 3 and 7: the trader is never left in silence about an order, and no message
 * says "nothing was sent" when something was. Real bot + worker roles, BROKER=alpaca-paper
 * against the Alpaca emulators, behind a small router so one run can reach a slow emulator
 * (orders stay `pending_new` for FILL_DELAY_MS after the POST) or a quick one (filled at once).
 *
 * What must hold:
 * - an order whose outcome is not known EXEC_TELL_PENDING_AFTER_MS after its job started: the
 *   trader hears once that it is still being checked (naming the broker, nothing sent twice),
 *   then the usual "Bought" once it fills; one POST;
 * - an order filled quickly: no "still checking" message at all;
 * - an order the broker refuses (403 insufficient buying power): the refusal says it was sent to
 *   the broker and refused, never "Nothing was sent to the broker".
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaDataEmulator, type AlpacaDataEmulator } from '../../../src/dev/alpaca-data/server.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { alpacaPaperEnv, ALPACA_KEY_ID, ALPACA_SECRET, approvalOf, command, insertPick, messagesMatching, seedBars, sleep, textOf, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const ADMIN = 1;
const TRADER = 2;
const SYMBOLS = { SLOW: 20, QUIK: 30, POOR: 40 } as const;
const TELL_AFTER_MS = 2_000;
const FILL_DELAY_MS = 5_000;
const STILL_CHECKING = /Still checking with alpaca-paper/;

let slow: AlpacaTradingEmulator;
let quick: AlpacaTradingEmulator;
let data: AlpacaDataEmulator;
let router: Server;
let target: () => AlpacaTradingEmulator;
let h: Harness;

/** Forwards every request to whichever trading emulator `target` names right now. */
async function startRouter(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const up = new URL(target().url);
      const out = httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: { ...req.headers, host: up.host } }, (ures) => {
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        ures.pipe(res);
      });
      out.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  const quotes = Object.fromEntries(Object.entries(SYMBOLS).map(([s, p]) => [s, { bid: p - 0.01, ask: p, bidSize: 100_000, askSize: 100_000 }]));
  slow = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, quotes, fillDelayMs: FILL_DELAY_MS });
  quick = await startAlpacaTradingEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, cash: 100_000, quotes });
  data = await startAlpacaDataEmulator({ keyId: ALPACA_KEY_ID, secretKey: ALPACA_SECRET, quotes });
  target = () => quick;
  const r = await startRouter();
  router = r.server;
  h = await startHarness({
    mode: 'token',
    roles: ['bot', 'worker'],
    env: {
      TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin,${TRADER}:trader`,
      ...alpacaPaperEnv(r.url, data.url),
      EXEC_PER_ORDER_BUDGET: '5000',
      EXEC_DAILY_BUDGET: '50000',
      // One attempt waits 1 s for the fill, then the job retries; the trader hears after 2 s.
      EXEC_WAIT_TIMEOUT_MS: '1000',
      EXEC_TELL_PENDING_AFTER_MS: String(TELL_AFTER_MS),
    },
  });
  await seedBars(h.running.app, SYMBOLS);
  await command(h, ADMIN, '/help', /./);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await new Promise<void>((r) => (router ? router.close(() => r()) : r()));
  await data?.close();
  await quick?.close();
  await slow?.close();
});

const ds = () => h.running.app.ds;
const posts = (em: AlpacaTradingEmulator, cid: string) => em.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders' && r.clientOrderId === cid);

describe('an approval whose outcome is not known for a while', () => {
  it('quick fill: "Bought" and no "still checking" message', async () => {
    target = () => quick;
    const pickId = await insertPick(ds(), { symbol: 'QUIK', entry: 30, qty: 5 });
    const after = h.emulator.lastSeq;
    const started = Date.now();
    await command(h, TRADER, `/approve ${pickId}`, /^Approved QUIK: placing the order now/);
    await waitMessage(h.emulator, TRADER, after, /Bought QUIK/, 10_000);
    // Past the tell deadline (and a retry's worth more): still nothing about checking.
    await sleep(Math.max(0, started + TELL_AFTER_MS + 1_500 - Date.now()));
    expect(await messagesMatching(h.emulator, TRADER, after, STILL_CHECKING)).toHaveLength(0);
    const cid = `cs-${(await approvalOf(ds(), pickId))!.id}`;
    expect(posts(quick, cid)).toHaveLength(1);
  }, 20_000);

  it('slow fill: told once that it is still being checked, then "Bought"; one POST', async () => {
    target = () => slow;
    const pickId = await insertPick(ds(), { symbol: 'SLOW', entry: 20, qty: 5 });
    const after = h.emulator.lastSeq;
    await command(h, TRADER, `/approve ${pickId}`, /^Approved SLOW: placing the order now/);
    const cid = `cs-${(await approvalOf(ds(), pickId))!.id}`;

    const checking = await waitMessage(h.emulator, TRADER, after, STILL_CHECKING, TELL_AFTER_MS + 3_000);
    expect(textOf(checking)).toMatch(/SLOW/);
    expect(textOf(checking)).toMatch(/nothing will be sent twice/);
    // Told before the broker filled it.
    expect(slow.orders().find((o) => o['client_order_id'] === cid)?.['status']).toBe('pending_new');

    const bought = await waitMessage(h.emulator, TRADER, after, /Bought SLOW/, FILL_DELAY_MS + 15_000);
    expect(bought.seq).toBeGreaterThan(checking.seq);
    await sleep(1_000);
    expect(await messagesMatching(h.emulator, TRADER, after, STILL_CHECKING)).toHaveLength(1);
    expect(await messagesMatching(h.emulator, TRADER, after, /Bought SLOW/)).toHaveLength(1);
    expect(posts(slow, cid)).toHaveLength(1);
  }, 30_000);
});

describe('a broker refusal (Alpaca 403 insufficient buying power)', () => {
  it('says the order was sent to the broker and refused, never "Nothing was sent to the broker"', async () => {
    target = () => quick;
    // Alpaca's answer to a buy it cannot cover (the account's cash is not the books' equity: the
    // caps pass, the broker refuses).
    quick.injectFaults({ kind: 'reject', method: 'POST', path: '/v2/orders', status: 403, code: 40310000, message: 'insufficient buying power' });
    const pickId = await insertPick(ds(), { symbol: 'POOR', entry: 40, qty: 5 });
    const after = h.emulator.lastSeq;
    await command(h, TRADER, `/approve ${pickId}`, /^Approved POOR: placing the order now/);
    const refused = textOf(await waitMessage(h.emulator, TRADER, after, /Not ordered: POOR/, 10_000));
    expect(refused).toMatch(/refused by the broker/);
    expect(refused).toMatch(/insufficient buying power/);
    expect(refused).toContain('It was sent to alpaca-paper and refused there: nothing was placed.');
    expect(refused).not.toContain('Nothing was sent');
    // It did reach the broker: one order POST, answered 403, and none after it; nothing in the book.
    const orderPosts = quick.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');
    expect(orderPosts.filter((r) => r.fault === 'reject').map((r) => r.status)).toEqual([403]);
    expect(orderPosts.at(-1)!.fault).toBe('reject');
    const cid = `cs-${(await approvalOf(ds(), pickId))!.id}`;
    expect(quick.orders().filter((o) => o['client_order_id'] === cid)).toHaveLength(0);
  }, 20_000);
});

/**
 * Issue 19, item 6: the broker account's own flags. Real bot + worker roles, BROKER=alpaca-paper
 * against the Alpaca trading emulator, whose account can be set `trading_blocked` (Alpaca then
 * answers every order POST 403).
 *
 * What must hold: while the flag is set an /approve is refused before anything is sent — the
 * trader hears the account cannot trade (naming the flag, saying nothing was sent), no order POST
 * reaches Alpaca, the approval is closed with reason `account_blocked` and its budget released;
 * /status shows the flag. Once the flag is cleared a fresh pick fills and /status says trading is
 * allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { approvalOf, approvalSettled, command, count, insertPick, textOf, until, waitMessage } from '../../helpers/execution.js';
import type { Harness } from '../../helpers/harness.js';

const ADMIN = 1;
const TRADER = 2;
const SYMBOLS = { FLGA: 20, FLGB: 30 } as const;

let rig: AlpacaRig;
let trading: AlpacaTradingEmulator;
let h: Harness;

beforeAll(async () => {
  rig = await startAlpacaRig({ symbols: SYMBOLS, users: `${ADMIN}:admin,${TRADER}:trader` });
  ({ trading, h } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

const ds = () => h.running.app.ds;
const orderPosts = () => trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');
/** /status's lines about the broker account (the open alerts below it may still quote the refusal). */
const brokerLines = async () => textOf(await command(h, ADMIN, '/status', /Kill switch/, 15_000)).split('\n').filter((l) => /^(⚠️ )?Broker /.test(l));
const spent = async () => Number(((await ds().query(`SELECT COALESCE(SUM(spent), 0) AS s FROM daily_budget`)) as { s: string }[])[0]!.s);

describe('the broker account flags', () => {
  it('trading_blocked: the entry is refused before anything is sent, the trader hears which flag, /status shows it; cleared, a fresh pick fills', async () => {
    trading.setAccountFlags({ trading_blocked: true });
    const pickId = await insertPick(ds(), { symbol: 'FLGA', entry: 20, qty: 5 });
    const after = h.emulator.lastSeq;
    await command(h, TRADER, `/approve ${pickId}`, /^Approved FLGA: placing the order now/);

    const told = textOf(await waitMessage(h.emulator, TRADER, after, /Not ordered: FLGA/, 20_000));
    expect(told).toContain('alpaca-paper reports the account cannot trade now (trading_blocked; account status ACTIVE)');
    expect(told).toMatch(/nothing was sent/);
    expect(told).toContain('Nothing was sent to the broker.');

    const a = await approvalSettled(ds(), pickId, 10_000);
    expect(a).toMatchObject({ state: 'refused', refused_gate: 'broker' });
    expect(a.reason_detail).toMatchObject({ code: 'account_blocked', broker: 'alpaca-paper', flags: ['trading_blocked'], status: 'ACTIVE' });
    expect(orderPosts()).toHaveLength(0);
    expect(await spent()).toBe(0);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM orders`)).toBe(0);

    expect(await brokerLines()).toEqual(['⚠️ Broker alpaca-paper: trading_blocked — new entries are refused; exits and /kill still run (account status ACTIVE)']);

    // Cleared at the broker: a fresh pick goes through the same path and fills.
    trading.setAccountFlags({ trading_blocked: false });
    const fresh = await insertPick(ds(), { symbol: 'FLGB', entry: 30, qty: 3 });
    const t1 = h.emulator.lastSeq;
    await command(h, TRADER, `/approve ${fresh}`, /^Approved FLGB: placing the order now/);
    await waitMessage(h.emulator, TRADER, t1, /Bought FLGB/, 20_000);
    expect((await approvalOf(ds(), fresh))!.state).toBe('filled');
    expect(orderPosts()).toHaveLength(1);
    expect(orderPosts()[0]!.status).toBe(200);

    expect(await brokerLines()).toEqual(['Broker alpaca-paper: account ACTIVE, trading allowed']);
    // The refusal's alert is closed by the order the broker took: no open broker alert is left.
    await until('the refusal alert closed', async () => ((await count(ds(), `SELECT count(*)::int AS n FROM alerts WHERE key = 'broker.rejected:alpaca-paper' AND resolved_at IS NULL`)) === 0 ? true : undefined), 10_000);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM alerts WHERE key = 'broker.rejected:alpaca-paper' AND resolved_at IS NOT NULL`)).toBe(1);
  }, 90_000);
});

/**
 * Issue 19, item 1: ask the broker before an entry. Real bot + worker roles, BROKER=alpaca-paper
 * against the Alpaca trading emulator; our calendar says open (MARKET_HOURS=always) but Alpaca's own
 * clock (GET /v2/clock) can say closed — an unscheduled closure our calendar cannot know.
 *
 * - Approve while Alpaca says closed: refused at the tap (told within 5 s), nothing at the broker,
 *   the pick stays open. An approval that reaches the order path anyway (approved a moment before,
 *   its job runs now) is closed as market_closed by the broker's clock: no POST.
 * - An entry Alpaca queued (`accepted`) because it closed under a cached "open" answer is cancelled
 *   at once and the trader told "cancelled by Courtside": no IOC is left waiting at the broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { approvePick } from '../../../src/trading/execution/approve-pick.js';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { approvalOf, command, count, insertPick, pickState, textOf, until, waitMessage } from '../../helpers/execution.js';
import type { Harness } from '../../helpers/harness.js';
import { jobResult } from '../../helpers/market-time.js';

const ADMIN = 1;
const TRADER = 2;

let rig: AlpacaRig;
let trading: AlpacaTradingEmulator;
let h: Harness;

beforeAll(async () => {
  rig = await startAlpacaRig({ symbols: { CLKA: 20, CLKB: 30, CLKC: 40 }, users: `${ADMIN}:admin,${TRADER}:trader`, env: { EXEC_WAIT_TIMEOUT_MS: '1500' } });
  ({ trading, h } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

const ds = () => h.running.app.ds;
const orderPosts = () => trading.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');
/** Forgets the shared clock answer, as a minute passing would. */
const forgetClock = async () => {
  const app = h.running.app;
  const keys = await app.redis.keys(`${app.config.redis.prefix}:broker:*:clock`);
  if (keys.length > 0) await app.redis.del(...keys);
};

describe("Alpaca's clock says closed while our calendar says open", () => {
  it('refuses the Approve at once and sends nothing; an approval already on its way is closed before any POST', async () => {
    trading.setMarketOpen(false);
    await forgetClock();
    const pickId = await insertPick(ds(), { symbol: 'CLKA', entry: 20, qty: 5 });
    const t0 = Date.now();
    const answer = textOf(await command(h, TRADER, `/approve ${pickId}`, /says the market is closed now/, 5_000));
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(answer).toContain('alpaca-paper says the market is closed now');
    expect(answer).toMatch(/nothing was ordered and the pick stays open/);
    expect(await pickState(ds(), pickId)).toBe('PENDING');
    expect(orderPosts()).toHaveLength(0);

    // Approved a moment before (as a tap that passed the check would), its job runs now.
    const app = h.running.app;
    const approved = await approvePick(app.uow, { pickId, userId: TRADER, role: 'trader', now: new Date() }, { executionWindowMs: 15 * 60_000 });
    expect(approved.kind).toBe('approved');
    const approvalId = approved.kind === 'approved' ? approved.approvalId : '';
    const after = h.emulator.lastSeq;
    await app.jobs.add('execution.run', { approvalId, pickId, chatId: TRADER, userId: TRADER }, { jobId: `exec-${approvalId}` });
    expect(await jobResult(app, 'executions', `exec-${approvalId}`)).toMatchObject({ kind: 'refused' });
    const a = await approvalOf(ds(), pickId);
    expect(a).toMatchObject({ state: 'refused', refused_gate: 'market_closed' });
    expect(a!.reason_detail).toMatchObject({ code: 'market_closed', byBroker: 'alpaca-paper' });
    const told = textOf(await waitMessage(h.emulator, TRADER, after, /own clock said closed/, 10_000));
    expect(told).toMatch(/Our calendar said the market was open, but alpaca-paper's own clock said closed/);
    expect(told).toMatch(/nothing was sent to the broker/);
    expect(orderPosts()).toHaveLength(0);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM daily_budget WHERE spent <> 0`)).toBe(0);
  }, 60_000);

  it('cancels an entry Alpaca queued outside the session at once, and says who cancelled it', async () => {
    // Open: a first entry fills, and the clock answer "open" is cached (up to a minute).
    trading.setMarketOpen(true);
    await forgetClock();
    const first = await insertPick(ds(), { symbol: 'CLKB', entry: 30, qty: 3 });
    const t1 = h.emulator.lastSeq;
    await command(h, TRADER, `/approve ${first}`, /^Approved CLKB: placing the order now/);
    await waitMessage(h.emulator, TRADER, t1, /Bought CLKB/, 15_000);

    // Alpaca closes (a halt) while our cached answer still says open: the POST goes and Alpaca queues it.
    trading.setMarketOpen(false);
    const pickId = await insertPick(ds(), { symbol: 'CLKC', entry: 40, qty: 2 });
    const after = h.emulator.lastSeq;
    await command(h, TRADER, `/approve ${pickId}`, /^Approved CLKC: placing the order now/);
    const told = textOf(await waitMessage(h.emulator, TRADER, after, /Not filled/, 20_000));
    expect(told).toMatch(/cancelled by Courtside: the broker had queued it for the next open/);
    expect(told).not.toMatch(/price moved away/);

    const mine = trading.orders().filter((o) => o['symbol'] === 'CLKC');
    expect(mine).toHaveLength(1);
    expect(mine[0]!['status']).toBe('canceled');
    const cancels = trading.requests.filter((r) => r.method === 'DELETE' && r.path === `/v2/orders/${String(mine[0]!['id'])}`);
    expect(cancels.length).toBeGreaterThanOrEqual(1);
    // Reopening does not revive it: nothing of CLKC fills later.
    trading.setMarketOpen(true);
    await until('CLKC booked not filled', async () => ((await approvalOf(ds(), pickId))?.state === 'not_filled' ? true : undefined), 10_000);
    expect(await count(ds(), `SELECT count(*)::int AS n FROM positions WHERE symbol = 'CLKC' AND qty <> 0`)).toBe(0);
    expect(trading.orders().filter((o) => o['symbol'] === 'CLKC')[0]!['filled_qty']).toBe('0');
    expect((await approvalOf(ds(), pickId))!.reason_detail).toMatchObject({ code: 'ioc_ended', endedBy: 'outside_session' });
  }, 60_000);
});

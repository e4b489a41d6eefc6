/**
 * Issue 19, item 4: an order cancelled by /kill says so. Real bot + worker roles, BROKER=alpaca-paper
 * against the Alpaca trading emulator, which holds each new order `pending_new` before it meets the
 * quote. /kill lands in between: its cancel-all cancels the entry (Alpaca's 207 lists it), and the
 * trader's confirmation must say "cancelled by /kill" — not "the price moved away". The kill proof
 * counts it once, and the booking records who ended it.
 *
 * The hold outlasts the test (HOLD_MS), so the entry can end only by the /kill: the test waits for
 * states (the entry pending at the broker, the /kill answered), never for a time. With the old 4 s
 * hold the fill timer raced the /kill round trip (normally ~50 ms, but the hold started at the POST):
 * when the machine stalled the test for 4 s the cancel-all came after the fill, the proof said
 * "0 cancelled" and the trader was told "Bought" (reproduced by delaying the /kill 4.5 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { approvalOf, command, insertPick, textOf, until, waitMessage } from '../../helpers/execution.js';
import type { Harness } from '../../helpers/harness.js';

const ADMIN = 1;
/**
 * How long the emulator holds the entry `pending_new`: longer than the test's own 60 s budget, so
 * nothing but the /kill ends it. The app follows it meanwhile (EXEC_WAIT_TIMEOUT_MS, 30 s) and
 * never cancels an entry that is merely pending in the session; closing the emulator clears the timer.
 */
const HOLD_MS = 10 * 60_000;

let rig: AlpacaRig;
let trading: AlpacaTradingEmulator;
let h: Harness;

beforeAll(async () => {
  rig = await startAlpacaRig({ symbols: { KILC: 25 }, emulator: { fillDelayMs: HOLD_MS } });
  ({ trading, h } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.stop();
});

describe('an entry cancelled by /kill', () => {
  it('is told as "cancelled by /kill", counted once in the proof, and recorded so', async () => {
    const ds = h.running.app.ds;
    const pickId = await insertPick(ds, { symbol: 'KILC', entry: 25, qty: 4 });
    const after = h.emulator.lastSeq;
    await command(h, ADMIN, `/approve ${pickId}`, /^Approved KILC: placing the order now/);
    // The entry is at Alpaca, not yet filled.
    await until('the entry at the broker', () => (trading.orders().some((o) => o['symbol'] === 'KILC' && o['status'] === 'pending_new') ? true : undefined), 5_000);
    await command(h, ADMIN, '/kill drill while an entry is pending', /./, 10_000);

    const proof = textOf(await waitMessage(h.emulator, ADMIN, after, /Broker orders cancelled at alpaca-paper/, 20_000));
    expect(proof).toMatch(/alpaca-paper: 1 cancelled, open orders now 0/);
    const told = textOf(await waitMessage(h.emulator, ADMIN, after, /Not filled: KILC/, 20_000));
    expect(told).toMatch(/cancelled by \/kill/);
    expect(told).not.toMatch(/price moved away/);
    expect(told).toMatch(/An admin can \/resume/);
    await until('booked', async () => ((await approvalOf(ds, pickId))?.state === 'not_filled' ? true : undefined), 10_000);
    expect((await approvalOf(ds, pickId))!.reason_detail).toMatchObject({ code: 'ioc_ended', endedBy: 'kill' });
    expect(trading.orders().find((o) => o['symbol'] === 'KILC')!['status']).toBe('canceled');
  }, 60_000);
});

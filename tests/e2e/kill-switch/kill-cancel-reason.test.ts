/**
 * Issue 19, item 4: an order cancelled by /kill says so. Real bot + worker roles, BROKER=alpaca-paper
 * against the Alpaca trading emulator, which holds each new order `pending_new` for a few seconds
 * before it meets the quote. /kill lands in between: its cancel-all cancels the entry (Alpaca's 207
 * lists it), and the trader's confirmation must say "cancelled by /kill" — not "the price moved away".
 * The kill proof counts it once, and the booking records who ended it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlpacaTradingEmulator } from '../../../src/dev/alpaca-trading/server.js';
import { startAlpacaRig, type AlpacaRig } from '../../helpers/alpaca-harness.js';
import { approvalOf, command, insertPick, textOf, until, waitMessage } from '../../helpers/execution.js';
import type { Harness } from '../../helpers/harness.js';

const ADMIN = 1;

let rig: AlpacaRig;
let trading: AlpacaTradingEmulator;
let h: Harness;

beforeAll(async () => {
  rig = await startAlpacaRig({ symbols: { KILC: 25 }, emulator: { fillDelayMs: 4_000 } });
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

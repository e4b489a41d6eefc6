/**
 * Issue 19, item 5 (second half): an exit's client order id must never repeat one the broker
 * already holds. Derived from a per-day attempt counter over our own `orders` rows, a restored
 * (or reset) database, or a second installation trading the same Alpaca account, computed
 * today's id again, and the broker's old order under it (same symbol, side, qty and limit) was
 * booked as today's exit while the shares stayed held. The id now comes from the order row's
 * own random id plus the installation id: stable for the retries of one order (they find its
 * row), new once the row is gone.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { AlpacaBroker } from '../../../../src/adapters/brokers/alpaca/alpaca-broker.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../../src/dev/alpaca-trading/server.js';
import { ALWAYS_OPEN } from '../../../../src/engine/market-hours.js';
import { closePosition, type CloseRequest } from '../../../../src/trading/execution/close-position.js';
import { closeClientOrderId, exitClientOrderId, legacyCloseClientOrderId } from '../../../../src/trading/execution/exit-ids.js';
import { runExits } from '../../../../src/trading/execution/exits.js';
import { testAlpacaBroker } from '../../adapters/brokers/alpaca-test-broker.js';
import { AT, crashAfterSubmit, makeExitsWorld, type ExitsWorld } from './exits-setup.js';

const KEY_ID = 'PKEXITIDS0000042';
const SECRET = 'exit_ids_secret_4242';

let w: ExitsWorld;
let emu: AlpacaTradingEmulator;
const others: ExitsWorld[] = [];

beforeEach(async () => {
  w = await makeExitsWorld();
  emu = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, cash: 100_000 });
});
afterEach(async () => {
  await emu.close();
  for (const o of others.splice(0)) await o.close();
  await w.close();
});

function alpaca(): AlpacaBroker {
  return testAlpacaBroker({ keyId: KEY_ID, secretKey: SECRET, baseUrl: emu.url, logger: pino({ level: 'silent' }) });
}

/** The stop of ABC is hit: our books and the emulator both show the bid 8.95 (stop 9). */
function stopHit(world: ExitsWorld = w): void {
  world.quote('ABC', 8.95, 8.97);
  emu.setQuote('ABC', { bid: 8.95, ask: 8.97 });
}

/** A held position of 7 ABC at $10, stop $9, in our books. */
async function hold(world: ExitsWorld = w): Promise<void> {
  await world.ds.query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, updated_at) VALUES ('ABC', 'donchian', 7, 10, now(), 9, now())`);
}

const sells = () => emu.orders().filter((o) => o['symbol'] === 'ABC' && o['side'] === 'sell');
const posts = () => emu.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');

async function installation(world: ExitsWorld = w): Promise<string> {
  const rows = (await world.ds.query(`SELECT id FROM installation`)) as { id: string }[];
  expect(rows).toHaveLength(1);
  return rows[0]!.id;
}

async function exitRows(world: ExitsWorld = w): Promise<{ id: string; client_order_id: string; broker_order_id: string | null; booked: boolean }[]> {
  return (await world.ds.query(
    `SELECT id, client_order_id, broker_order_id, booked_at IS NOT NULL AS booked FROM orders WHERE kind = 'exit' ORDER BY created_at, id`,
  )) as { id: string; client_order_id: string; broker_order_id: string | null; booked: boolean }[];
}

describe('exit client order ids after a database restore (Alpaca emulator)', () => {
  it('the stop exit runs again after the restore: a NEW order under a new id is sent and booked, never the broker\'s old one', async () => {
    await hold();
    emu.setPosition('ABC', 7, 10);
    stopHit();
    const first = await runExits(w.exitDeps({ broker: alpaca() }), { now: AT.midday });
    expect(first).toMatchObject([{ symbol: 'ABC', reason: 'stop', status: 'filled', filledQty: 7, remainingQty: 0 }]);
    const oldCid = first[0]!.clientOrderId!;
    const oldOrder = sells()[0]!;
    expect(oldOrder).toMatchObject({ client_order_id: oldCid, status: 'filled' });

    // The database is restored to before that exit: its row, fills and booking are gone, the
    // position is open again. The broker keeps its filled order under the old id. The shares are
    // held again at the broker (bought back there, say), so a real sale can go through.
    const [row] = await exitRows();
    await w.ds.query(`DELETE FROM fills WHERE order_id = $1`, [row!.id]);
    await w.ds.query(`DELETE FROM orders WHERE id = $1`, [row!.id]);
    await w.ds.query(`UPDATE positions SET qty = 7, realized_pnl = 0 WHERE symbol = 'ABC'`);
    emu.setPosition('ABC', 7, 10);

    const again = await runExits(w.exitDeps({ broker: alpaca() }), { now: AT.midday });
    expect(again).toHaveLength(1);
    const out = again[0]!;
    expect(out.clientOrderId).not.toBe(oldCid);
    expect(out).toMatchObject({ symbol: 'ABC', reason: 'stop', status: 'filled', filledQty: 7, remainingQty: 0, note: { code: 'order' } });
    // Two sales at the broker, each under its own id; ours is booked from the new one.
    expect(sells().map((o) => o['client_order_id'])).toEqual([oldCid, out.clientOrderId]);
    expect(posts().map((p) => p.clientOrderId)).toEqual([oldCid, out.clientOrderId]);
    const rows = await exitRows();
    expect(rows).toEqual([{ id: expect.any(String), client_order_id: out.clientOrderId, broker_order_id: sells()[1]!['id'], booked: true }]);
    expect(rows[0]!.broker_order_id).not.toBe(oldOrder['id']);
    // Both ids are made of their row's own id and this installation's id.
    expect(out.clientOrderId).toBe(exitClientOrderId({ day: '2025-07-08', reason: 'stop', orderId: rows[0]!.id, installation: await installation() }));
    expect(oldCid).toBe(exitClientOrderId({ day: '2025-07-08', reason: 'stop', orderId: row!.id, installation: await installation() }));
  });

  it('a retried run of the same exit (killed right after the broker accepted) finds its row and books that order: one row, one POST', async () => {
    await hold();
    emu.setPosition('ABC', 7, 10);
    stopHit();
    await expect(runExits(w.exitDeps({ broker: crashAfterSubmit(alpaca()) }), { now: AT.midday })).resolves.toBeDefined();
    const [pending] = await exitRows();
    expect(pending).toMatchObject({ booked: false });

    const retry = await runExits(w.exitDeps({ broker: alpaca() }), { now: AT.midday });
    expect(retry).toMatchObject([{ status: 'filled', filledQty: 7, remainingQty: 0, clientOrderId: pending!.client_order_id }]);
    expect(posts()).toHaveLength(1);
    expect(sells()).toHaveLength(1);
    expect(await exitRows()).toEqual([{ id: pending!.id, client_order_id: pending!.client_order_id, broker_order_id: sells()[0]!['id'], booked: true }]);
  });

  it('two installations trading one account exit the same position the same day under different ids, each booking its own sale', async () => {
    const other = await makeExitsWorld();
    others.push(other);
    // Test databases are copies of one migrated template: give the second its own installation id, as its own migration would.
    await other.ds.query(`UPDATE installation SET id = CASE WHEN id = 'abcdef01' THEN '10fedcba' ELSE 'abcdef01' END`);
    expect(await installation(other)).not.toBe(await installation());
    await hold();
    await hold(other);
    emu.setPosition('ABC', 14, 10);
    stopHit();
    stopHit(other);
    const a = await runExits(w.exitDeps({ broker: alpaca() }), { now: AT.midday });
    const b = await runExits(other.exitDeps({ broker: alpaca() }), { now: AT.midday });
    expect(a).toMatchObject([{ status: 'filled', filledQty: 7 }]);
    expect(b).toMatchObject([{ status: 'filled', filledQty: 7 }]);
    expect(a[0]!.clientOrderId).not.toBe(b[0]!.clientOrderId);
    expect(a[0]!.clientOrderId!.endsWith(await installation())).toBe(true);
    expect(b[0]!.clientOrderId!.endsWith(await installation(other))).toBe(true);
    expect(sells()).toHaveLength(2);
    expect((await exitRows())[0]!.broker_order_id).toBe(sells()[0]!['id']);
    expect((await exitRows(other))[0]!.broker_order_id).toBe(sells()[1]!['id']);
  });
});

describe('manual close client order ids carry the installation id', () => {
  const req: CloseRequest = { symbol: 'ABC', strategy: 'donchian', qty: 3, requestId: 'tok-close-1', day: '2025-07-08', epoch: null, underKill: false, requestedBy: 42 };
  const closeDeps = () => w.exitDeps({ broker: alpaca(), now: () => AT.midday });

  it('sells under closeClientOrderId with this installation; run again for the request it only looks the order up', async () => {
    await hold();
    emu.setPosition('ABC', 7, 10);
    stopHit();
    const res = await closePosition(closeDeps(), ALWAYS_OPEN, req);
    const cid = closeClientOrderId({ symbol: 'ABC', strategy: 'donchian', day: '2025-07-08', requestId: 'tok-close-1', installation: await installation() });
    expect(cid).toMatch(/^cx-c-20250708-[0-9a-f]{32}$/);
    expect(res).toMatchObject({ kind: 'outcome', outcome: { status: 'filled', filledQty: 3, clientOrderId: cid, remainingQty: 4 } });
    expect(await closePosition(closeDeps(), ALWAYS_OPEN, req)).toMatchObject({ kind: 'outcome', outcome: { status: 'filled', clientOrderId: cid, remainingQty: 4 } });
    expect(posts().map((p) => p.clientOrderId)).toEqual([cid]);
  });

  it('a close the previous release wrote under the id without the installation is resolved under that id, never sold a second time', async () => {
    await hold();
    emu.setPosition('ABC', 7, 10);
    stopHit();
    // The previous release wrote the close's row and died before sending it.
    const legacy = legacyCloseClientOrderId({ symbol: 'ABC', strategy: 'donchian', day: '2025-07-08', requestId: 'tok-close-1' });
    await w.ds.query(
      `INSERT INTO orders (id, approval_id, kind, exit_reason, decision_price, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force,
                           state, budget_date, reserved_amount, created_at, updated_at)
       VALUES (gen_random_uuid(), NULL, 'exit', 'close', 8.95, $1, 'alpaca', 'ABC', 'donchian', 'sell', 3, 8.9, 'ioc', 'new', '2025-07-08', 0, now(), now())`,
      [legacy],
    );
    const res = await closePosition(closeDeps(), ALWAYS_OPEN, req);
    expect(res).toMatchObject({ kind: 'outcome', outcome: { status: 'filled', filledQty: 3, clientOrderId: legacy, remainingQty: 4 } });
    expect(posts().map((p) => p.clientOrderId)).toEqual([legacy]);
    expect(await w.count(`SELECT count(*)::int AS n FROM orders WHERE kind = 'exit'`)).toBe(1);
  });
});

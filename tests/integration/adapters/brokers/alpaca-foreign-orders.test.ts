/**
 * Issue 19, item 6 (first half): orders Courtside cannot model — placed from Alpaca's own dashboard
 * or another app on the same account — must parse, be counted and be cancelled, so a /kill's
 * cancel-all can prove "open orders now 0". Notional orders (`qty` null, `notional` "100"),
 * fractional quantities, market/stop/trailing types and bracket/oto classes with their legs.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlpacaBroker, AlpacaBrokerOptions } from '../../../../src/adapters/brokers/alpaca/alpaca-broker.js';
import { testAlpacaBroker } from './alpaca-test-broker.js';
import { mapAlpacaStatus } from '../../../../src/adapters/brokers/alpaca/status.js';
import { BrokerError, type BrokerErrorKind } from '../../../../src/adapters/brokers/errors.js';
import type { OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { startAlpacaTradingEmulator, type AlpacaTradingEmulator } from '../../../../src/dev/alpaca-trading/server.js';
import { captureLogs } from '../market-data/capture-logs.js';

const KEY_ID = 'PKTRADEKEYID0019';
const SECRET = 'trading_secret_FOREIGN_19';
const logs = captureLogs();

let emu: AlpacaTradingEmulator;
let seq = 0;

beforeEach(async () => {
  emu = await startAlpacaTradingEmulator({
    keyId: KEY_ID,
    secretKey: SECRET,
    cash: 100_000,
    quotes: { MSFT: { bid: 401.1, ask: 401.2, bidSize: 500, askSize: 500 }, AAPL: { bid: 190, ask: 190.05 } },
  });
});
afterEach(async () => {
  await emu.close();
});

function broker(over: Partial<AlpacaBrokerOptions> = {}): AlpacaBroker {
  return testAlpacaBroker({ keyId: KEY_ID, secretKey: SECRET, baseUrl: emu.url, logger: logs.logger }, { retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 200, timeoutMs: 2_000 }, ...over });
}

function order(over: Partial<OrderRequest> = {}): OrderRequest {
  seq++;
  return { clientOrderId: `cs-foreign-${process.pid}-${seq}`, symbol: 'MSFT', side: 'buy', qty: 10, type: 'limit', limitPrice: 390, timeInForce: 'day', ...over };
}

async function failure(p: Promise<unknown>, kind: BrokerErrorKind): Promise<BrokerError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(BrokerError);
  expect((e as BrokerError).kind, (e as Error).message).toBe(kind);
  return e as BrokerError;
}

describe('AlpacaBroker: orders placed outside Courtside', () => {
  it('lists a resting notional order ($100 of AAPL): qty 0, the notional amount, open', async () => {
    const planted = emu.plantOrder({ clientOrderId: 'dashboard-notional-1', symbol: 'AAPL', side: 'buy', notional: 100, type: 'market', status: 'new' });
    // The wire form is Alpaca's: no share count, the dollar amount as a decimal string.
    expect(planted['qty']).toBeNull();
    expect(planted['notional']).toBe('100');
    const open = await broker().listOpenOrders();
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      brokerOrderId: planted['id'],
      clientOrderId: 'dashboard-notional-1',
      symbol: 'AAPL',
      side: 'buy',
      qty: 0,
      notional: 100,
      filledQty: 0,
      limitPrice: null,
      status: 'new',
      brokerStatus: 'new',
    });
  });

  it('lists fractional, stop, trailing-stop and bracket orders (with their held legs)', async () => {
    emu.plantOrder({ clientOrderId: 'app-fractional', symbol: 'MSFT', side: 'buy', qty: 0.5, limit: 380.5, status: 'new' });
    emu.plantOrder({ clientOrderId: 'app-stop', symbol: 'MSFT', side: 'sell', qty: 3, type: 'stop', stop: 350, status: 'new', timeInForce: 'gtc' });
    emu.plantOrder({ clientOrderId: 'app-trail', symbol: 'AAPL', side: 'sell', qty: 2, type: 'trailing_stop', status: 'new' });
    emu.plantOrder({ clientOrderId: 'app-bracket', symbol: 'AAPL', side: 'buy', qty: 4, type: 'market', orderClass: 'bracket', status: 'new' });
    const open = await broker().listOpenOrders();
    const byCid = new Map(open.map((o) => [o.clientOrderId, o]));
    expect(byCid.get('app-fractional')).toMatchObject({ qty: 0.5, limitPrice: 380.5, status: 'new' });
    expect(byCid.get('app-fractional')?.notional).toBeUndefined();
    expect(byCid.get('app-stop')).toMatchObject({ qty: 3, limitPrice: null, side: 'sell', timeInForce: 'gtc', status: 'new' });
    expect(byCid.get('app-trail')).toMatchObject({ qty: 2, limitPrice: null, status: 'new' });
    expect(byCid.get('app-bracket')).toMatchObject({ qty: 4, limitPrice: null, status: 'new' });
    // The bracket's take-profit and stop-loss legs are orders too (listed with nested=false), held until the parent fills.
    const legs = open.filter((o) => !o.clientOrderId.startsWith('app-'));
    expect(legs.map((l) => [l.side, l.qty, l.status, l.brokerStatus])).toEqual([
      ['sell', 4, 'submitted', 'held'],
      ['sell', 4, 'submitted', 'held'],
    ]);
    expect(open).toHaveLength(6);
  });

  it('cancel-all cancels notional, fractional and bracket orders alongside ours and proves 0 open', async () => {
    const b = broker();
    await b.submitOrder(order());
    emu.plantOrder({ clientOrderId: 'dashboard-notional-2', symbol: 'AAPL', side: 'buy', notional: 250.5, type: 'market', status: 'new' });
    emu.plantOrder({ clientOrderId: 'dashboard-fractional', symbol: 'MSFT', side: 'buy', qty: 1.25, limit: 379, status: 'new' });
    emu.plantOrder({ clientOrderId: 'dashboard-bracket', symbol: 'AAPL', side: 'buy', qty: 5, type: 'limit', limit: 185, orderClass: 'bracket', status: 'new' });
    await new Promise((r) => setTimeout(r, 30));
    expect(await b.listOpenOrders()).toHaveLength(6);
    expect(await b.cancelAllOrders()).toMatchObject({ cancelled: 6, stillOpen: 0 });
    expect(await b.listOpenOrders()).toEqual([]);
    expect(emu.orders().map((o) => o['status'])).toEqual(Array(6).fill('canceled'));
  });

  it('cancel-all while the cancels are still pending (Alpaca cancels asynchronously): waits, then proves 0 open', async () => {
    await emu.close();
    emu = await startAlpacaTradingEmulator({ keyId: KEY_ID, secretKey: SECRET, cash: 100_000, quotes: { AAPL: { bid: 190, ask: 190.05 } }, cancelDelayMs: 150 });
    emu.plantOrder({ clientOrderId: 'dashboard-notional-async', symbol: 'AAPL', side: 'buy', notional: 100, type: 'market', status: 'new' });
    const b = broker({ cancelVerifyMs: 2_000 });
    expect(await b.cancelAllOrders()).toMatchObject({ cancelled: 1, stillOpen: 0 });
    // It was looked at while still pending_cancel (listed as open), and parsed then too.
    const looks = emu.requests.filter((r) => r.method === 'GET' && r.path === '/v2/orders');
    expect(looks.length).toBeGreaterThan(1);
    expect(emu.orders().map((o) => o['status'])).toEqual(['canceled']);
  });

  it('reads a notional order by id and by client id; Alpaca `calculated` is never "filled" when qty is unknown', async () => {
    const planted = emu.plantOrder({ clientOrderId: 'dashboard-notional-3', symbol: 'AAPL', side: 'sell', notional: 99.99, type: 'market', status: 'new' });
    const b = broker();
    expect(await b.getOrder(String(planted['id']))).toMatchObject({ qty: 0, notional: 99.99, status: 'new' });
    expect(await b.getOrderByClientId('dashboard-notional-3')).toMatchObject({ qty: 0, notional: 99.99, side: 'sell' });
    // Some of it filled and the day is done: still not known to be filled in full.
    expect(mapAlpacaStatus('calculated', 0.26, null)).toBe('partially_filled');
    expect(mapAlpacaStatus('calculated', 0, null)).toBe('new');
    // With a share count, unchanged.
    expect(mapAlpacaStatus('calculated', 5, 5)).toBe('filled');
    expect(mapAlpacaStatus('calculated', 2, 5)).toBe('partially_filled');
    expect(mapAlpacaStatus('filled', 0.26, null)).toBe('filled');
  });

  it('a notional order holding our client order id is not ours: ambiguous, one POST', async () => {
    const req = order({ qty: 3 });
    emu.injectFaults({ kind: 'id_taken', method: 'POST', path: '/v2/orders', order: { symbol: 'MSFT', side: 'buy', notional: 1_000, type: 'market', status: 'new' } });
    const e = await failure(broker().submitOrder(req), 'ambiguous');
    expect(e.message).toContain('qty 0, not 3');
    expect(emu.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders')).toHaveLength(1);
  });

  it("Courtside's own orders parse exactly as before (no notional field)", async () => {
    const b = broker();
    const req = order({ qty: 7, limitPrice: 388.88 });
    const placed = await b.submitOrder(req);
    await new Promise((r) => setTimeout(r, 30));
    const open = await b.listOpenOrders();
    expect(open).toHaveLength(1);
    const wire = emu.orders()[0]!;
    expect(open[0]).toEqual({
      brokerOrderId: placed.brokerOrderId,
      clientOrderId: req.clientOrderId,
      symbol: 'MSFT',
      side: 'buy',
      qty: 7,
      filledQty: 0,
      avgFillPrice: null,
      limitPrice: 388.88,
      status: 'new',
      brokerStatus: 'new',
      timeInForce: 'day',
      submittedAt: wire['submitted_at'],
      updatedAt: wire['updated_at'],
    });
  });

  it('the emulator rolls legs up under their parent only when asked nested=true', async () => {
    emu.plantOrder({ clientOrderId: 'oto-parent', symbol: 'AAPL', side: 'buy', qty: 1, limit: 180, orderClass: 'oto', status: 'new' });
    const get = async (q: string) =>
      (await (await fetch(`${emu.url}/v2/orders?status=open&${q}`, { headers: { 'APCA-API-KEY-ID': KEY_ID, 'APCA-API-SECRET-KEY': SECRET } })).json()) as Record<string, unknown>[];
    const flat = await get('nested=false');
    expect(flat.map((o) => [o['order_class'], o['status'], o['legs']])).toEqual([
      ['oto', 'held', null],
      ['oto', 'new', null],
    ]);
    const nested = await get('nested=true');
    expect(nested).toHaveLength(1);
    expect((nested[0]!['legs'] as Record<string, unknown>[]).map((l) => [l['type'], l['side'], l['status']])).toEqual([['stop', 'sell', 'held']]);
  });
});

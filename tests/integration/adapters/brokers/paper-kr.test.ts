/**
 * The paper broker per market (issue 15): a KR book in won beside the US book in dollars, on one
 * database. KR prices are whole won on the KRX ETF tick of the session date, KR hours are the KRX
 * session, each book sees only its own rows, and every fill carries its fee. Real Postgres; the
 * clock is injected.
 */
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { BrokerError, type BrokerErrorKind } from '../../../../src/adapters/brokers/errors.js';
import { PaperBroker, type PaperBrokerOptions, type PaperQuote } from '../../../../src/adapters/brokers/paper/paper-broker.js';
import type { OrderRequest } from '../../../../src/adapters/brokers/port.js';
import { ALWAYS_OPEN } from '../../../../src/engine/market-hours.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let quotes: Map<string, PaperQuote>;
let seq = 0;

/** Monday 2026-12-07, 10:00 Seoul: inside the KRX session (New York is closed). */
const KRX_MONDAY_1000 = Date.parse('2026-12-07T10:00:00+09:00');
const KRX_MONDAY_1600 = Date.parse('2026-12-07T16:00:00+09:00');

const quoteSource = async (symbol: string): Promise<PaperQuote> => {
  const q = quotes.get(symbol);
  if (!q) throw new Error(`no quote for ${symbol}`);
  return q;
};

function kr(over: Partial<PaperBrokerOptions> = {}): PaperBroker {
  return new PaperBroker({ ds, quoteSource, market: 'KR', startingCash: 10_000_000, commissionBps: 1.5, pollMs: 10, now: () => KRX_MONDAY_1000, ...over });
}

function us(over: Partial<PaperBrokerOptions> = {}): PaperBroker {
  return new PaperBroker({ ds, quoteSource, startingCash: 100_000, pollMs: 10, marketHours: ALWAYS_OPEN, ...over });
}

function order(over: Partial<OrderRequest> = {}): OrderRequest {
  seq++;
  return { clientOrderId: `k-${seq}`, symbol: '069500', side: 'buy', qty: 10, type: 'limit', limitPrice: 35_033, timeInForce: 'ioc', ...over };
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

type FillRow = { symbol: string; side: string; qty: number; price: string; market: string; currency: string; fee: string | null; fee_note: string | null };
async function fills(): Promise<FillRow[]> {
  return (await ds.query(`SELECT symbol, side, qty, price::text AS price, market, currency, fee::text AS fee, fee_note FROM paper_fills ORDER BY id`)) as FillRow[];
}

/** A logger that keeps its warnings. */
function recordingLogger(): { logger: Logger; warnings: unknown[] } {
  const warnings: unknown[] = [];
  const logger = {
    child: () => logger,
    warn: (obj: unknown, msg?: string) => warnings.push({ obj, msg }),
    info: () => undefined,
    debug: () => undefined,
    error: () => undefined,
  };
  return { logger: logger as unknown as Logger, warnings };
}

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 8 });
  await ds.initialize();
  quotes = new Map([
    ['069500', { bid: 35_010, ask: 35_017.3, time: '2026-12-07T01:00:00Z' }],
    ['252670', { bid: 1_871, ask: 1_872, time: '2026-12-07T01:00:00Z' }],
    ['SPY', { bid: 49.99, ask: 50, time: '2024-06-03T15:00:00Z' }],
  ]);
});
afterEach(async () => {
  await ds.destroy();
  await db.drop();
});

describe('the KR paper book', () => {
  it('buys in whole won on the 5-won ETF tick: the limit rounds down, the fill is the ask rounded up to the tick; commission charged', async () => {
    const b = kr();
    const o = await b.submitOrder(order());
    // 35,033 → 35,030 (buy limits round down); ask 35,017.3 → 35,020 on the tick.
    expect(o).toMatchObject({ status: 'filled', filledQty: 10, limitPrice: 35_030, avgFillPrice: 35_020 });
    // 350,200 × 0.015 % = 52.53 → 52 won (brokers drop the fraction of a won).
    expect(await fills()).toEqual([{ symbol: '069500', side: 'buy', qty: 10, price: '35020.000000', market: 'KR', currency: 'KRW', fee: '52.000000', fee_note: null }]);
    const acct = await b.account();
    expect(acct.cash).toBe(10_000_000 - 350_200 - 52);
    expect(Number.isInteger(acct.cash)).toBe(true);
    expect(await b.listPositions()).toMatchObject([{ symbol: '069500', qty: 10, avgEntryPrice: 35_020 }]);
  });

  it('sells with the limit rounded up to the tick, at the bid, with commission and no transaction tax (ETF)', async () => {
    const b = kr();
    await b.submitOrder(order());
    const sell = await b.submitOrder(order({ side: 'sell', qty: 10, limitPrice: 35_003 }));
    expect(sell).toMatchObject({ status: 'filled', limitPrice: 35_005, avgFillPrice: 35_010 });
    // 350,100 × 0.015 % = 52.515 → 52 won; 증권거래세 is not levied on ETF sales.
    expect((await fills())[1]).toMatchObject({ side: 'sell', price: '35010.000000', fee: '52.000000' });
    expect((await b.account()).cash).toBe(10_000_000 - 350_200 - 52 + 350_100 - 52);
    expect(await b.listPositions()).toEqual([]);
  });

  it('uses the 1-won tick below 2,000 won (ETF tick of the session date)', async () => {
    const b = kr();
    const o = await b.submitOrder(order({ symbol: '252670', qty: 100, limitPrice: 1_874.6 }));
    expect(o).toMatchObject({ status: 'filled', limitPrice: 1_874, avgFillPrice: 1_872 });
  });

  it('needs cash for the commission as well as the shares', async () => {
    const b = kr({ startingCash: 350_200 });
    const e = await failure(b.submitOrder(order({ limitPrice: 35_020 })), 'rejected');
    expect(e.reason).toMatch(/insufficient buying power: ₩350,252 needed/);
    expect(await fills()).toEqual([]);
  });

  it('trades in the KRX session only: at 16:00 Seoul an IOC ends rejected unfilled', async () => {
    const o = await kr({ now: () => KRX_MONDAY_1600 }).submitOrder(order());
    expect(o).toMatchObject({ status: 'rejected', filledQty: 0 });
    expect(o.rejectReason).toMatch(/market closed/);
  });

  it('keeps its own account in won beside the US account in dollars', async () => {
    const k = kr();
    const u = us();
    await k.submitOrder(order());
    await u.submitOrder(order({ symbol: 'SPY', qty: 10, limitPrice: 50 }));
    expect((await u.account()).cash).toBeCloseTo(100_000 - 500, 6);
    expect((await k.account()).cash).toBe(10_000_000 - 350_200 - 52);
    const accounts = (await ds.query(`SELECT market, currency, cash::text AS cash FROM paper_account ORDER BY market`)) as unknown[];
    expect(accounts).toEqual([
      { market: 'KR', currency: 'KRW', cash: '9649748.000000' },
      { market: 'US', currency: 'USD', cash: '99500.000000' },
    ]);
    expect((await k.listPositions()).map((p) => p.symbol)).toEqual(['069500']);
    expect((await u.listPositions()).map((p) => p.symbol)).toEqual(['SPY']);
    const orders = (await ds.query(`SELECT symbol, market, currency FROM paper_orders ORDER BY symbol`)) as unknown[];
    expect(orders).toEqual([
      { symbol: '069500', market: 'KR', currency: 'KRW' },
      { symbol: 'SPY', market: 'US', currency: 'USD' },
    ]);
  });

  it('each book lists, cancels and closes its own orders and positions only', async () => {
    const k = kr();
    const u = us();
    await k.submitOrder(order({ symbol: '252670', qty: 100, limitPrice: 1_874 }));
    await u.submitOrder(order({ symbol: 'SPY', qty: 10, limitPrice: 50 }));
    const krDay = await k.submitOrder(order({ qty: 1, limitPrice: 30_000, timeInForce: 'day' }));
    const usDay = await u.submitOrder(order({ symbol: 'SPY', qty: 1, limitPrice: 40, timeInForce: 'day' }));
    expect((await k.listOpenOrders()).map((o) => o.clientOrderId)).toEqual([krDay.clientOrderId]);
    expect((await u.listOpenOrders()).map((o) => o.clientOrderId)).toEqual([usDay.clientOrderId]);
    // A book does not see the other's orders by id either.
    expect(await k.getOrderByClientId(usDay.clientOrderId)).toBeNull();
    await failure(u.getOrder(krDay.brokerOrderId), 'not_found');

    expect(await k.cancelAllOrders()).toEqual({ cancelled: 1, stillOpen: 0 });
    expect((await u.listOpenOrders()).length).toBe(1);

    const closed = await k.closeAllPositions();
    expect(closed).toMatchObject([{ symbol: '252670', side: 'sell', qty: 100, status: 'filled', avgFillPrice: 1_871 }]);
    // 187,100 × 0.015 % = 28.065 → 28 won.
    expect((await fills()).at(-1)).toMatchObject({ symbol: '252670', side: 'sell', fee: '28.000000', currency: 'KRW' });
    expect(await k.listPositions()).toEqual([]);
    expect((await u.listPositions()).map((p) => p.symbol)).toEqual(['SPY']);
    expect((await u.listOpenOrders()).length).toBe(1);
  });
});

describe('which broker serves which market', () => {
  it('the US book refuses a KRX code and the KR book a US ticker, saying which serves which', async () => {
    const eUs = await failure(us().submitOrder(order()), 'rejected');
    expect(eUs.message).toMatch(/069500 is a KR \(KRX\) code/);
    expect(eUs.message).toMatch(/serves the US market/);
    const eKr = await failure(kr().submitOrder(order({ symbol: 'SPY', limitPrice: 50 })), 'rejected');
    expect(eKr.message).toMatch(/SPY is a US symbol/);
    expect(eKr.message).toMatch(/serves the KR market/);
    expect(await fills()).toEqual([]);
  });
});

describe('US fees on paper fills', () => {
  /** Monday 2024-06-03, 11:00 New York: SEC $27.80 per million, FINRA TAF $0.000166 a share (at most $8.30). */
  const US_2024 = Date.parse('2024-06-03T15:00:00Z');

  it('are off unless asked for: the fill records why it has no fee and cash moves by the trade only', async () => {
    const u = us({ now: () => US_2024 });
    await u.submitOrder(order({ symbol: 'SPY', qty: 1000, limitPrice: 50 }));
    await u.submitOrder(order({ symbol: 'SPY', side: 'sell', qty: 1000, limitPrice: 49.99 }));
    expect((await fills()).map((f) => [f.fee, f.fee_note])).toEqual([
      [null, 'fees are off for this paper book'],
      [null, 'fees are off for this paper book'],
    ]);
    expect((await u.account()).cash).toBeCloseTo(100_000 - 50_000 + 49_990, 6);
  });

  it('with fees on, a sell pays the SEC fee and the FINRA TAF of its trade date; a buy pays none', async () => {
    const u = us({ fees: true, now: () => US_2024 });
    await u.submitOrder(order({ symbol: 'SPY', qty: 1000, limitPrice: 50 }));
    await u.submitOrder(order({ symbol: 'SPY', side: 'sell', qty: 1000, limitPrice: 49.99 }));
    // SEC: 49,990 × 27.80 / 1,000,000 = 1.389722 → 1.39; TAF: 1,000 × 0.000166 = 0.166 → 0.17.
    expect((await fills()).map((f) => [f.side, f.fee])).toEqual([
      ['buy', '0.000000'],
      ['sell', '1.560000'],
    ]);
    expect((await u.account()).cash).toBeCloseTo(100_000 - 50_000 + 49_990 - 1.56, 6);
  });

  it('a trade date past the rate tables still fills: the fee is recorded as unknown, with the reason, and a warning is logged', async () => {
    const { logger, warnings } = recordingLogger();
    const u = us({ fees: true, now: () => Date.parse('2027-06-01T15:00:00Z'), logger });
    await u.submitOrder(order({ symbol: 'SPY', qty: 10, limitPrice: 50 }));
    const sell = await u.submitOrder(order({ symbol: 'SPY', side: 'sell', qty: 10, limitPrice: 49.99 }));
    expect(sell.status).toBe('filled');
    const last = (await fills()).at(-1)!;
    expect(last.fee).toBeNull();
    expect(last.fee_note).toMatch(/not on file/);
    expect(warnings).toEqual([expect.objectContaining({ msg: expect.stringMatching(/fee unknown/) })]);
    expect((await u.account()).cash).toBeCloseTo(100_000 - 500 + 499.9, 6);
  });
});

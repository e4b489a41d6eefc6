import { markLines } from '../../../../src/bot/views/marks-view.js';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markToMarket, MarkToMarketError } from '../../../../src/trading/execution/mark-to-market.js';
import { makeWorld, wrapBroker, type World } from './setup.js';
import type { Broker, BrokerPosition } from '../../../../src/adapters/brokers/port.js';
import { BrokerError } from '../../../../src/lib/broker-errors.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

async function position(symbol: string, strategy: string, qty: number, avgCost: number): Promise<void> {
  await w.ds.query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop) VALUES ($1, $2, $3, $4, '2025-07-01T15:00:00Z', 1)`, [symbol, strategy, qty, avgCost]);
}

async function bar(symbol: string, date: string, close: number): Promise<void> {
  await w.ds.query(`INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source) VALUES ($1, $2, $3, $3, $3, $3, 1000, 'test')`, [symbol, date, close]);
}

/** A booked exit order (sell `qty` @ `price`, realized `pnl`) with its fill, booked at `bookedAt`. */
async function bookedExit(symbol: string, qty: number, price: number, pnl: number, bookedAt: string): Promise<void> {
  const id = randomUUID();
  await w.ds.query(
    `INSERT INTO orders (id, kind, exit_reason, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force, state, filled_qty, avg_fill_price,
                         realized_pnl, budget_date, reserved_amount, submit_attempted_at, booked_at)
     VALUES ($1, 'exit', 'stop', $2, 'paper', $3, 'donchian', 'sell', $4, $5, 'ioc', 'filled', $4, $5, $6, ($7::timestamptz AT TIME ZONE 'America/New_York')::date, 0, $7, $7)`,
    [id, `cx-test-${id.slice(0, 8)}`, symbol, qty, price, pnl, bookedAt],
  );
  await w.ds.query(`INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq) VALUES ($1, $2, 'sell', $3, $4, $5, 0)`, [id, symbol, qty, price, bookedAt]);
}

const marks = (date: string) =>
  w.ds.query(`SELECT symbol, strategy, qty, avg_cost::float8 AS avg_cost, price::float8 AS price, unrealized_pnl::float8 AS unrealized_pnl FROM position_marks WHERE date = $1 ORDER BY symbol`, [
    date,
  ]) as Promise<unknown[]>;
const equityRow = (date: string) =>
  w.ds.query(
    `SELECT equity::float8 AS equity, cash::float8 AS cash, market_value::float8 AS market_value, realized_pnl::float8 AS realized_pnl,
            unrealized_pnl::float8 AS unrealized_pnl, benchmark_close::float8 AS benchmark_close FROM equity_marks WHERE date = $1`,
    [date],
  ) as Promise<unknown[]>;
const lastPrices = () =>
  w.ds.query(`SELECT symbol, last_price::float8 AS last_price, last_price_at FROM positions WHERE qty > 0 ORDER BY symbol`) as Promise<{ symbol: string; last_price: number | null; last_price_at: Date | null }[]>;

describe('markToMarket', () => {
  beforeEach(async () => {
    await position('ABC', 'donchian', 10, 10);
    await position('XYZ', 'turtle_soup', 5, 20);
    await position('OLD', 'donchian', 0, 50); // closed: never marked
    await bar('ABC', '2025-07-07', 11);
    await bar('ABC', '2025-07-08', 12);
    await bar('ABC', '2025-07-09', 13); // after the mark date: never used
    await bar('XYZ', '2025-07-03', 19); // the last bar on or before 07-08 (XYZ did not trade since)
    await bar('SPY', '2025-07-08', 620.5);
    await bar('OLD', '2025-07-08', 60);
    await bookedExit('OLD', 7, 8.95, -7.35, '2025-07-08T19:50:00Z'); // booked on the 8th (New York)
    await bookedExit('OLD', 1, 55, 5, '2025-07-08T01:00:00Z'); // 21:00 on the 7th in New York: not the 8th
  });

  it('prices each open position at its latest close on/before the date and writes position, equity and last-price marks', async () => {
    const r = await markToMarket({ db: w.uow(), startingCash: 1_000 }, { date: '2025-07-08' });
    // Market value 10×12 + 5×19 = 215; unrealized (12−10)×10 + (19−20)×5 = 15; cash 1000 + 62.65 + 55 = 1117.65 (books).
    expect(r).toMatchObject({
      date: '2025-07-08',
      missing: [],
      cash: 1117.65,
      marketValue: 215,
      equity: 1332.65,
      equitySource: 'books',
      realizedPnl: -7.35,
      unrealizedPnl: 15,
      benchmarkClose: 620.5,
    });
    expect(r.positions).toEqual([
      { symbol: 'ABC', strategy: 'donchian', qty: 10, avgCost: 10, price: 12, priceDate: '2025-07-08', source: 'bars', origin: { kind: 'close', date: '2025-07-08' }, unrealizedPnl: 20 },
      { symbol: 'XYZ', strategy: 'turtle_soup', qty: 5, avgCost: 20, price: 19, priceDate: '2025-07-03', source: 'bars', origin: { kind: 'close', date: '2025-07-03' }, unrealizedPnl: -5 },
    ]);
    expect(markLines(r).at(-1)).toBe('Equity $1,332.65 (books), cash $1,117.65, positions $215.00; realized today -$7.35, unrealized +$15.00');
    expect(await marks('2025-07-08')).toEqual([
      { symbol: 'ABC', strategy: 'donchian', qty: 10, avg_cost: 10, price: 12, unrealized_pnl: 20 },
      { symbol: 'XYZ', strategy: 'turtle_soup', qty: 5, avg_cost: 20, price: 19, unrealized_pnl: -5 },
    ]);
    expect(await equityRow('2025-07-08')).toEqual([{ equity: 1332.65, cash: 1117.65, market_value: 215, realized_pnl: -7.35, unrealized_pnl: 15, benchmark_close: 620.5 }]);
    // last_price_at is the close of the price's session: 16:00 EDT, and 13:00 on the 07-03 early close.
    expect(await lastPrices()).toEqual([
      { symbol: 'ABC', last_price: 12, last_price_at: new Date('2025-07-08T20:00:00Z') },
      { symbol: 'XYZ', last_price: 19, last_price_at: new Date('2025-07-03T17:00:00Z') },
    ]);
    expect(await w.count(`SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'mtm.run'`)).toBe(0); // no audit given
  });

  it('is idempotent per date, keeps one snapshot per date, and never moves last_price back in time', async () => {
    await markToMarket({ db: w.uow(), startingCash: 1_000, audit: w.audit }, { date: '2025-07-08' });
    const first = await equityRow('2025-07-08');
    await markToMarket({ db: w.uow(), startingCash: 1_000, audit: w.audit }, { date: '2025-07-08' });
    expect(await equityRow('2025-07-08')).toEqual(first);
    expect(await w.count(`SELECT count(*)::int AS n FROM position_marks`)).toBe(2);
    expect(await w.count(`SELECT count(*)::int AS n FROM equity_marks`)).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'mtm.run'`)).toBe(2);

    // XYZ closes; re-marking the date drops its mark.
    await w.ds.query(`UPDATE positions SET qty = 0 WHERE symbol = 'XYZ'`);
    const again = await markToMarket({ db: w.uow(), startingCash: 1_000 }, { date: '2025-07-08' });
    expect(again.marketValue).toBe(120);
    expect(await marks('2025-07-08')).toEqual([{ symbol: 'ABC', strategy: 'donchian', qty: 10, avg_cost: 10, price: 12, unrealized_pnl: 20 }]);

    // Back-filling an earlier date writes its marks but leaves the newer last price alone.
    const earlier = await markToMarket({ db: w.uow(), startingCash: 1_000 }, { date: '2025-07-07' });
    expect(earlier).toMatchObject({ marketValue: 110, unrealizedPnl: 10, realizedPnl: 5, benchmarkClose: null });
    expect((await lastPrices())[0]).toMatchObject({ symbol: 'ABC', last_price: 12 });
  });

  it('uses the broker account for equity and cash when there is one, and an injected price function', async () => {
    const broker = w.paper(w.ds, 25_000);
    const r = await markToMarket({ db: w.uow(), broker, price: async (s) => (s === 'ABC' ? { price: 10.5, date: '2025-07-08' } : null) }, { date: '2025-07-08' });
    expect(r).toMatchObject({ equitySource: 'broker', cash: 25_000, equity: 25_000, marketValue: 10 * 10.5 + 5 * 20, missing: ['XYZ'] });
    expect(r.positions.map((p) => [p.symbol, p.price, p.source])).toEqual([
      ['ABC', 10.5, 'injected'],
      ['XYZ', 20, 'avg_cost'], // no price and no last price: marked at cost, and said so
    ]);
    expect(markLines(r)[1]).toMatch(/XYZ .*no price for 2025-07-08: marked at cost/);
  });

  describe('with a broker that prices positions (issue 19 item 7)', () => {
    const at = new Date('2025-07-08T20:10:00Z'); // 16:10 in New York, on the mark date
    /** The paper broker as Alpaca would answer: ABC priced by the broker, XYZ without a price. */
    const alpaca = (positions: () => Promise<BrokerPosition[]>): Broker => ({ ...wrapBroker(w.paper(w.ds, 25_000), {}), name: 'alpaca-paper', listPositions: positions });
    const held = async (): Promise<BrokerPosition[]> => [
      { symbol: 'ABC', qty: 10, avgEntryPrice: 10, costBasis: 100, currentPrice: 12.34, marketValue: 123.4, unrealizedPl: 23.4 },
      { symbol: 'XYZ', qty: 5, avgEntryPrice: 20, costBasis: 100, currentPrice: null, marketValue: null, unrealizedPl: null },
    ];
    const sources = () =>
      w.ds.query(
        `SELECT m.symbol, m.price::float8 AS price, m.price_source, m.price_at, p.last_price::float8 AS last_price, p.last_price_source, p.last_price_at
           FROM position_marks m JOIN positions p USING (symbol, strategy) ORDER BY m.symbol`,
      ) as Promise<unknown[]>;

    it("marks at the broker's current price with its source and time; a position it does not price falls back to the bar close and says so", async () => {
      const r = await markToMarket({ db: w.uow(), broker: alpaca(held), now: () => at }, { date: '2025-07-08' });
      expect(r.positions.map((p) => [p.symbol, p.price, p.source, p.origin])).toEqual([
        ['ABC', 12.34, 'broker', { kind: 'broker', broker: 'alpaca-paper', at }],
        ['XYZ', 19, 'bars', { kind: 'close', date: '2025-07-03' }],
      ]);
      expect(r).toMatchObject({ marketValue: 10 * 12.34 + 5 * 19, unrealizedPnl: 23.4 - 5 });
      expect(await sources()).toEqual([
        { symbol: 'ABC', price: 12.34, price_source: 'broker:alpaca-paper', price_at: at, last_price: 12.34, last_price_source: 'broker:alpaca-paper', last_price_at: at },
        { symbol: 'XYZ', price: 19, price_source: 'close', price_at: new Date('2025-07-03T17:00:00Z'), last_price: 19, last_price_source: 'close', last_price_at: new Date('2025-07-03T17:00:00Z') },
      ]);
      const lines = markLines(r);
      expect(lines[0]).toBe('ABC (donchian) 10 @ 12.34 (Alpaca mark 16:10 ET) vs cost 10: +$23.40');
      expect(lines[1]).toBe('XYZ (turtle_soup) 5 @ 19 (close 2025-07-03; the broker gave no price) vs cost 20: -$5.00');
    });

    it("uses bar closes when marking a past date (the broker's price is today's), or when the broker cannot be reached", async () => {
      const later = await markToMarket({ db: w.uow(), broker: alpaca(held), now: () => new Date('2025-07-10T20:10:00Z') }, { date: '2025-07-08' });
      expect(later.positions.map((p) => [p.symbol, p.price, p.source])).toEqual([
        ['ABC', 12, 'bars'],
        ['XYZ', 19, 'bars'],
      ]);
      expect(markLines(later)[0]).toBe('ABC (donchian) 10 @ 12 (close 2025-07-08) vs cost 10: +$20.00');
      const down = alpaca(async () => {
        throw new BrokerError({ broker: 'alpaca-paper', kind: 'unavailable', detail: 'HTTP 503' });
      });
      const r = await markToMarket({ db: w.uow(), broker: down, now: () => at }, { date: '2025-07-08' });
      expect(r.positions.map((p) => [p.symbol, p.price, p.source])).toEqual([
        ['ABC', 12, 'bars'],
        ['XYZ', 19, 'bars'],
      ]);
      expect(markLines(r)[0]).toBe('ABC (donchian) 10 @ 12 (close 2025-07-08; the broker gave no price) vs cost 10: +$20.00');
    });
  });

  it('refuses a malformed date with a typed error', async () => {
    await expect(markToMarket({ db: w.uow() }, { date: '07/08/2025' })).rejects.toBeInstanceOf(MarkToMarketError);
    await expect(markToMarket({ db: w.uow() }, { date: '2025-02-30' })).rejects.toThrow(/YYYY-MM-DD/);
  });
});

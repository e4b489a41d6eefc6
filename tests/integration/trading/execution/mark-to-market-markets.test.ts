import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markToMarket } from '../../../../src/trading/execution/mark-to-market.js';
import { makeWorld, type World } from './setup.js';

/**
 * Equity marks per market: KR and US books are marked separately, each into its own
 * `equity_marks` row (keyed (market, date), in its currency), from its own positions and fills.
 */

let w: World;
beforeEach(async () => {
  w = await makeWorld();
  // A US and a KR position, each with a close on 2026-12-08 (a session of both exchanges).
  await w.ds.query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop) VALUES ('ABC', 'donchian', 10, 10, '2026-12-01T15:00:00Z', 1)`);
  await w.ds.query(
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, market, currency) VALUES ('069500', 'donchian', 20, 10000, '2026-12-01T01:00:00Z', 9000, 'KR', 'KRW')`,
  );
  await w.ds.query(`INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source) VALUES ('ABC', '2026-12-08', 12, 12, 12, 12, 1000, 'test'), ('SPY', '2026-12-08', 600, 600, 600, 600, 1000, 'test')`);
  await w.ds.query(
    `INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source, market, currency) VALUES ('069500', '2026-12-08', 10500, 10500, 10500, 10500, 1000, 'test', 'KR', 'KRW')`,
  );
});
afterEach(async () => {
  await w.close();
});

const equity = () =>
  w.ds.query(
    `SELECT market, currency, to_char(date, 'YYYY-MM-DD') AS date, equity::float8 AS equity, cash::float8 AS cash, market_value::float8 AS market_value,
            unrealized_pnl::float8 AS unrealized_pnl, benchmark_close::float8 AS benchmark_close FROM equity_marks ORDER BY market`,
  ) as Promise<unknown[]>;
const positionMarks = () =>
  w.ds.query(`SELECT market, currency, symbol, price::float8 AS price FROM position_marks ORDER BY market`) as Promise<unknown[]>;

describe('markToMarket per market', () => {
  it('marks KR and US on the same date into two rows, each from its own positions, in its own currency', async () => {
    const now = () => new Date('2026-12-08T22:00:00Z');
    const us = await markToMarket({ db: w.uow(), startingCash: 1000, now }, { date: '2026-12-08' });
    const kr = await markToMarket({ db: w.uow(), market: 'KR', startingCash: 1_000_000, benchmarkSymbol: '069500', now }, { date: '2026-12-08' });
    expect(us).toMatchObject({ marketValue: 120, unrealizedPnl: 20, equity: 1120, benchmarkClose: 600 });
    expect(us.positions.map((p) => p.symbol)).toEqual(['ABC']);
    expect(kr).toMatchObject({ marketValue: 210_000, unrealizedPnl: 10_000, equity: 1_210_000, benchmarkClose: 10_500 });
    expect(kr.positions.map((p) => p.symbol)).toEqual(['069500']);
    expect(await equity()).toEqual([
      { market: 'KR', currency: 'KRW', date: '2026-12-08', equity: 1_210_000, cash: 1_000_000, market_value: 210_000, unrealized_pnl: 10_000, benchmark_close: 10_500 },
      { market: 'US', currency: 'USD', date: '2026-12-08', equity: 1120, cash: 1000, market_value: 120, unrealized_pnl: 20, benchmark_close: 600 },
    ]);
    expect(await positionMarks()).toEqual([
      { market: 'KR', currency: 'KRW', symbol: '069500', price: 10_500 },
      { market: 'US', currency: 'USD', symbol: 'ABC', price: 12 },
    ]);
    // Marking US again replaces only the US rows: the KR marks of the same date stay.
    await markToMarket({ db: w.uow(), startingCash: 500, now }, { date: '2026-12-08' });
    expect(((await equity()) as { market: string; cash: number }[]).map((r) => [r.market, r.cash])).toEqual([
      ['KR', 1_000_000],
      ['US', 500],
    ]);
    expect(((await positionMarks()) as { market: string }[]).map((r) => r.market)).toEqual(['KR', 'US']);
  });

  it('a KR mark without a benchmark named stores none (the US default SPY is not a KR benchmark)', async () => {
    const kr = await markToMarket({ db: w.uow(), market: 'KR', now: () => new Date('2026-12-08T22:00:00Z') }, { date: '2026-12-08' });
    expect(kr.benchmarkClose).toBeNull();
  });

  it('a KR mark is dated on the KRX calendar: a KRX session that is no NYSE session is accepted', async () => {
    // 2026-11-26 is Thanksgiving (NYSE closed) but a KRX session; 2026-12-31 is a KRX year-end closing day.
    await expect(markToMarket({ db: w.uow(), market: 'KR' }, { date: '2026-11-26' })).resolves.toMatchObject({ date: '2026-11-26' });
    expect(await w.count(`SELECT count(*)::int AS n FROM equity_marks WHERE market = 'KR' AND date = '2026-11-26'`)).toBe(1);
  });
});

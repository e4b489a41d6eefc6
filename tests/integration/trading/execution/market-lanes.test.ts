/**
 * Issue 15: each market's book goes to its own broker. The US lane's exits and reconciliation
 * never offer a KR position to the US broker (it holds no KRX codes), and /positions totals each
 * market in its own currency.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExits } from '../../../../src/trading/execution/exits.js';
import { reconcile } from '../../../../src/trading/execution/reconcile.js';
import { loadOpenPositions } from '../../../../src/trading/portfolio/positions.js';
import { loadOpenPositions as loadRiskBook } from '../../../../src/trading/risk/open-positions.js';
import { AT, makeExitsWorld, type ExitsWorld } from './exits-setup.js';

let w: ExitsWorld;

beforeEach(async () => {
  w = await makeExitsWorld();
});

afterEach(async () => {
  await w?.close();
});

/** A KR position in our books (as the KR broker's fill booked it): six-digit code, KR, whole won. */
async function holdKr(symbol: string, qty: number, avgCost: number, stop: number): Promise<void> {
  await w.ds.query(
    `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, updated_at, market, currency) VALUES ($1, 'donchian', $2, $3, now(), $4, now(), 'KR', 'KRW')`,
    [symbol, qty, avgCost, stop],
  );
}

describe('market lanes', () => {
  it("US exits sell a US position under its stop and leave a KR position under its stop alone", async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: 9.5 });
    w.quote('AAA', 9.4);
    // The KR position's stop is far above any price the US quotes could give: a US run must not even look at it.
    await holdKr('069500', 5, 35_000, 34_000);
    const out = await runExits(w.exitDeps(), { now: AT.midday });
    expect(out.map((o) => o.symbol)).toEqual(['AAA']);
    expect((await w.position('AAA'))?.qty).toBe(0);
    expect((await w.position('069500'))?.qty).toBe(5);
    const kr = (await w.ds.query(`SELECT count(*)::int AS n FROM orders WHERE symbol = '069500'`)) as { n: number }[];
    expect(kr[0]?.n).toBe(0);
    // The US exit order and its fill are filed US/USD by name, not by the columns' defaults.
    const filed = (await w.ds.query(`SELECT DISTINCT market, currency FROM orders UNION SELECT DISTINCT market, currency FROM fills`)) as { market: string; currency: string }[];
    expect(filed).toEqual([{ market: 'US', currency: 'USD' }]);
  });

  it('a KR lane run exits only KR positions', async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: 9.5 });
    w.quote('AAA', 9.4);
    await holdKr('069500', 5, 35_000, 34_000);
    // A KR broker stand-in that refuses everything: the run must only ever ask about 069500.
    const asked: string[] = [];
    const out = await runExits(
      w.exitDeps({
        market: 'KR',
        quotes: {
          latestQuote: async (s) => {
            asked.push(s);
            throw new Error('no KR quote in this test');
          },
        },
      }),
      { now: new Date('2025-07-08T02:00:00Z') }, // Tue 11:00 KST: KRX's continuous session
    );
    expect(asked).toEqual(['069500']);
    expect(out.every((o) => o.symbol === '069500')).toBe(true);
    expect((await w.position('AAA'))?.qty).toBe(10);
  });

  it('US reconciliation compares only US positions with the US broker', async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10 });
    await holdKr('069500', 5, 35_000, 34_000);
    const report = await reconcile({ db: w.uow(), broker: w.paper(), audit: w.audit, graceMs: 0 });
    expect(report.mismatches).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('/positions totals each market in its currency and keeps the dollar totals US only', async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10 });
    await holdKr('069500', 5, 35_000, 34_000);
    const s = await loadOpenPositions(w.uow());
    expect(s.markets?.map((m) => [m.market, m.currency, m.totals.count, m.totals.costBasis])).toEqual([
      ['US', 'USD', 1, 100],
      ['KR', 'KRW', 1, 175_000],
    ]);
    expect(s.totals.count).toBe(1);
    expect(s.totals.costBasis).toBe(100);
    expect(s.positions.find((p) => p.symbol === '069500')?.market).toBe('KR');
  });

  it('the portfolio gates weigh one market\'s book: a KR position never enters the US value-at-risk, nor the other way round', async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10 });
    await holdKr('069500', 5, 35_000, 34_000);
    expect((await loadRiskBook(w.uow())).map((p) => p.symbol)).toEqual(['AAA']);
    expect((await loadRiskBook(w.uow(), 'KR')).map((p) => [p.symbol, p.qty, p.avgCost])).toEqual([['069500', 5, 35_000]]);
  });
});

/**
 * /pnl with fees (issue 15): realized P&L per currency before and after the fees the paper books
 * recorded on the period's fills, so that gross − fees = net in each currency, never summed across
 * currencies. Without any recorded fee the report is what it always was.
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { PaperBroker, type PaperQuote } from '../../../../src/adapters/brokers/paper/paper-broker.js';
import type { BrokerOrder } from '../../../../src/adapters/brokers/port.js';
import { ALWAYS_OPEN } from '../../../../src/engine/market-hours.js';
import { loadPnl } from '../../../../src/trading/portfolio/pnl.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let seq = 0;

/** Monday 2024-06-03: 11:00 New York (SEC $27.80/M, TAF $0.000166) and 10:00 Seoul (a KRX session). */
const US_TIME = Date.parse('2024-06-03T15:00:00Z');
const KR_TIME = Date.parse('2024-06-03T10:00:00+09:00');
const NOW = new Date('2024-06-03T21:00:00Z');

const QUOTES = new Map<string, PaperQuote>([
  ['SPY', { bid: 49.99, ask: 50, time: '2024-06-03T15:00:00Z' }],
  ['069500', { bid: 35_010, ask: 35_020, time: '2024-06-03T01:00:00Z' }],
]);
const quoteSource = async (s: string): Promise<PaperQuote> => QUOTES.get(s)!;

/** The trading book's row for an order the paper broker filled (what execution books), with its realized P&L on exits. */
async function bookOrder(o: BrokerOrder, market: 'US' | 'KR', at: number, realizedPnl: number | null): Promise<void> {
  const currency = market === 'KR' ? 'KRW' : 'USD';
  let approvalId: string | null = null;
  if (o.side === 'buy') {
    // An entry carries its approval of a pick.
    approvalId = randomUUID();
    const pickId = `pick-${o.clientOrderId}`;
    await ds.query(
      `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, atr, score, qty, dollar_risk, reasons, demo, expires_at, market, currency)
       VALUES ($1, 'run-1', '2024-06-03', $2, $1, $3, $4, 1, 1, $5, 10, '[]', false, '2024-06-03T21:00:00Z', $6, $7)`,
      [pickId, o.symbol, o.avgFillPrice, o.avgFillPrice! * 0.9, o.filledQty, market, currency],
    );
    await ds.query(`INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state) VALUES ($1, $2, 1, $3, $3, 'filled')`, [approvalId, pickId, new Date(at)]);
  }
  await ds.query(
    `INSERT INTO orders (id, approval_id, kind, exit_reason, client_order_id, broker, broker_order_id, symbol, strategy, side, qty, limit_price, time_in_force, state,
                         filled_qty, avg_fill_price, realized_pnl, budget_date, reserved_amount, booked_at, created_at, updated_at, market, currency)
     VALUES ($1, $15, $2, $3, $4, 'paper', $5, $6, 'donchian', $7, $8, $9, 'ioc', 'filled', $8, $10, $11, '2024-06-03', 0, $12, $12, $12, $13, $14)`,
    [
      randomUUID(),
      o.side === 'buy' ? 'entry' : 'exit',
      o.side === 'buy' ? null : 'stop',
      o.clientOrderId,
      o.brokerOrderId,
      o.symbol,
      o.side,
      o.filledQty,
      o.limitPrice,
      o.avgFillPrice,
      realizedPnl,
      new Date(at),
      market,
      currency,
      approvalId,
    ],
  );
}

async function roundTrip(b: PaperBroker, symbol: string, buyAt: number, sellAt: number, market: 'US' | 'KR', at: number, pnl: number): Promise<void> {
  seq++;
  const buy = await b.submitOrder({ clientOrderId: `pf-b${seq}`, symbol, side: 'buy', qty: market === 'KR' ? 10 : 1000, type: 'limit', limitPrice: buyAt, timeInForce: 'ioc' });
  const sell = await b.submitOrder({ clientOrderId: `pf-s${seq}`, symbol, side: 'sell', qty: market === 'KR' ? 10 : 1000, type: 'limit', limitPrice: sellAt, timeInForce: 'ioc' });
  await bookOrder(buy, market, at, null);
  await bookOrder(sell, market, at, pnl);
}

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 4 });
  await ds.initialize();
  await ds.query(`INSERT INTO scan_runs (id, as_of, strategies, status, symbols, demo) VALUES ('run-1', '2024-06-03', '{donchian}', 'done', 2, false)`);
});
afterEach(async () => {
  await ds.destroy();
  await db.drop();
});

describe('loadPnl with fees', () => {
  it('nets the recorded fees out of realized P&L per currency: gross − fees = net', async () => {
    const us = new PaperBroker({ ds, quoteSource, fees: true, marketHours: ALWAYS_OPEN, now: () => US_TIME });
    const kr = new PaperBroker({ ds, quoteSource, market: 'KR', commissionBps: 1.5, now: () => KR_TIME });
    // SPY: 1,000 bought at 50, sold at 49.99 → −10; the sell pays SEC 1.39 + TAF 0.17.
    await roundTrip(us, 'SPY', 50, 49.99, 'US', US_TIME, -10);
    // 069500: 10 bought at 35,020, sold at 35,010 → −100 won; 52 won commission each way.
    await roundTrip(kr, '069500', 35_020, 35_010, 'KR', KR_TIME, -100);

    const r = await loadPnl(new TypeOrmUnitOfWork(ds), 'day', NOW);
    // The top level is the US book, in dollars; each market's own figures are in `markets`.
    expect(r.realizedNet).toEqual([{ currency: 'USD', gross: -10, fees: 1.56, net: -11.56, fillsWithFee: 2, fillsFeeUnknown: 0 }]);
    // KR's "day" is its own Seoul session: read at 17:00 KST on 3 June, after that session.
    const krNet = (await loadPnl(new TypeOrmUnitOfWork(ds), 'day', new Date('2024-06-03T08:00:00Z'))).markets?.find((m) => m.market === 'KR')?.realizedNet;
    expect(krNet).toEqual({ currency: 'KRW', gross: -100, fees: 104, net: -204, fillsWithFee: 2, fillsFeeUnknown: 0 });
    for (const c of [...r.realizedNet!, krNet!]) expect(c.gross - c.fees).toBeCloseTo(c.net, 9);
  });

  it('counts fills whose fee is unknown apart: they are not in the fee total', async () => {
    const us = new PaperBroker({ ds, quoteSource, fees: true, marketHours: ALWAYS_OPEN, now: () => US_TIME });
    await roundTrip(us, 'SPY', 50, 49.99, 'US', US_TIME, -10);
    await ds.query(`UPDATE paper_fills SET fee = NULL, fee_note = 'the SEC Section 31 rate for 2024-06-03 is not on file' WHERE side = 'sell'`);
    await roundTrip(us, 'SPY', 50, 49.99, 'US', US_TIME, -10);
    const r = await loadPnl(new TypeOrmUnitOfWork(ds), 'day', NOW);
    expect(r.realizedNet).toEqual([{ currency: 'USD', gross: -20, fees: 1.56, net: -21.56, fillsWithFee: 3, fillsFeeUnknown: 1 }]);
  });

  it('leaves the report as it was when no fill of the period records a fee', async () => {
    const us = new PaperBroker({ ds, quoteSource, marketHours: ALWAYS_OPEN, now: () => US_TIME });
    await roundTrip(us, 'SPY', 50, 49.99, 'US', US_TIME, -10);
    const r = await loadPnl(new TypeOrmUnitOfWork(ds), 'day', NOW);
    expect(r.realized).toEqual({ total: -10, trades: 1, wins: 0, losses: 1 });
    expect('realizedNet' in r).toBe(false);
  });
});

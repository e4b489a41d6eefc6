/**
 * The backtests group's typed tables (src/adapters/db/tables/backtests) against a migrated
 * database: runs (insert queued, read by id / done key / request, the other done runs,
 * closing a superseded run, a done run's result) and trades in order; the types a row
 * comes back with, and a transaction's `tables` joining that transaction. (The lifecycle
 * compare-and-set updates, the done update and the bulk trade insert are reviewed SQL in
 * src/trading/backtest/store.ts, covered by tests/integration/trading/backtest/store.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BacktestTradeRow } from '../../../../../src/adapters/db/tables/backtests/port.js';
import { useScratchDb } from './scratch-db.js';

const scratch = useScratchDb(['backtest_runs']);

const HASH = 'a'.repeat(64);
const DATA = 'b'.repeat(64);

/** Marks a run done the way the store's reviewed SQL does (the CHECKs want report, metrics, fingerprint, count, finished_at). */
async function markDone(id: string, report: unknown = { metrics: { sharpe: 1.5 }, notes: [] }, curves: unknown = { equity: [1, 1.1] }): Promise<void> {
  await scratch.ds.query(
    `UPDATE backtest_runs SET status = 'done', started_at = now(), finished_at = now(), data_fingerprint = $2, data_source = 'csv', demo = false,
       metrics = '{}', report = $3, curves = $4, trade_count = 0 WHERE id = $1`,
    [id, DATA, JSON.stringify(report), JSON.stringify(curves)],
  );
}

function trade(seq: number): BacktestTradeRow {
  return {
    symbol: `S${seq}`,
    strategy: 'donchian',
    signalDate: '2024-03-01',
    entryDate: '2024-03-04',
    entryPrice: 10.25 + seq,
    exitDate: '2024-03-29',
    exitPrice: 11.5,
    qty: 100,
    pnl: 125.5,
    pnlPct: 0.0125,
    barsHeld: 19,
    exitReason: 'target',
    commission: 1.0,
  };
}

async function insertTrade(runId: string, seq: number, t: BacktestTradeRow): Promise<void> {
  await scratch.ds.query(
    `INSERT INTO backtest_trades (run_id, seq, symbol, strategy, signal_date, entry_date, entry_price, exit_date, exit_price, qty, pnl, pnl_pct, bars_held, exit_reason, commission)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [runId, seq, t.symbol, t.strategy, t.signalDate, t.entryDate, t.entryPrice, t.exitDate, t.exitPrice, t.qty, t.pnl, t.pnlPct, t.barsHeld, t.exitReason, t.commission],
  );
}

describe('backtest runs', () => {
  it('inserts a queued run and reads it back with its types: Date, null, the request as jsonb', async () => {
    const t = scratch.uow.tables.backtests;
    const id = randomUUID();
    const request = { strategies: ['donchian'], symbols: ['SPY'], seed: 7 };
    await t.insertQueued({ id, requestHash: HASH, request, requestedBy: 'ann', jobId: null });

    const run = await t.run(id);
    expect(run).toEqual({
      id,
      requestHash: HASH,
      dataFingerprint: null,
      dataSource: null,
      demo: null,
      status: 'queued',
      tradeCount: null,
      error: null,
      requestedBy: 'ann',
      jobId: null,
      createdAt: expect.any(Date),
      startedAt: null,
      finishedAt: null,
    });
    // The large columns are not read.
    expect(Object.keys(run!)).not.toContain('request');
    const [row] = (await scratch.ds.query(`SELECT request, created_at > now() - interval '1 minute' AS fresh FROM backtest_runs WHERE id = $1`, [id])) as { request: unknown; fresh: boolean }[];
    expect(row).toEqual({ request, fresh: true });
    expect(await t.run(randomUUID())).toBeNull();
  });

  it('keeps a given creation time', async () => {
    const t = scratch.uow.tables.backtests;
    const at = new Date('2024-05-06T07:08:09.123Z');
    const given = randomUUID();
    await t.insertQueued({ id: given, requestHash: HASH, request: {}, requestedBy: 'ann', jobId: 'job-1', createdAt: at });
    expect(await t.run(given)).toMatchObject({ createdAt: at, jobId: 'job-1' });
  });

  it('finds the done run of a request and data, lists a request newest first, and the other done runs', async () => {
    const t = scratch.uow.tables.backtests;
    const [older, newer, done] = [randomUUID(), randomUUID(), randomUUID()];
    await t.insertQueued({ id: older, requestHash: HASH, request: {}, requestedBy: 'ann', jobId: null, createdAt: new Date('2024-01-01T00:00:00Z') });
    await t.insertQueued({ id: newer, requestHash: HASH, request: {}, requestedBy: 'ann', jobId: null, createdAt: new Date('2024-01-03T00:00:00Z') });
    await t.insertQueued({ id: done, requestHash: HASH, request: {}, requestedBy: 'bob', jobId: null, createdAt: new Date('2024-01-02T00:00:00Z') });
    await t.insertQueued({ id: randomUUID(), requestHash: 'c'.repeat(64), request: {}, requestedBy: 'cy', jobId: null });
    expect(await t.doneRun(HASH, DATA)).toBeNull();
    await markDone(done);

    const found = await t.doneRun(HASH, DATA);
    expect(found).toMatchObject({ id: done, status: 'done', tradeCount: 0, demo: false, dataSource: 'csv', dataFingerprint: DATA });
    expect(typeof found!.tradeCount).toBe('number');
    expect(found!.finishedAt).toBeInstanceOf(Date);
    expect(await t.doneRun(HASH, 'f'.repeat(64))).toBeNull();

    expect((await t.runsOfRequest(HASH)).map((r) => r.id)).toEqual([newer, done, older]);
    expect(await t.runsOfRequest('e'.repeat(64))).toEqual([]);

    expect(await t.otherDoneRunIds(HASH, DATA, newer)).toEqual([done]);
    expect(await t.otherDoneRunIds(HASH, DATA, done)).toEqual([]);
  });

  it('closes a superseded run as cancelled with the data it ran on', async () => {
    const t = scratch.uow.tables.backtests;
    const id = randomUUID();
    await t.insertQueued({ id, requestHash: HASH, request: {}, requestedBy: 'ann', jobId: null });
    expect(await t.closeSuperseded(id, { error: 'superseded: identical run x finished first', dataFingerprint: DATA, dataSource: 'alpaca', demo: true })).toBe(1);
    const run = await t.run(id);
    expect(run).toMatchObject({ status: 'cancelled', error: 'superseded: identical run x finished first', dataFingerprint: DATA, dataSource: 'alpaca', demo: true });
    expect(run!.finishedAt).toBeInstanceOf(Date);
    expect(await t.closeSuperseded(randomUUID(), { error: 'x', dataFingerprint: DATA, dataSource: 'csv', demo: false })).toBe(0);
  });

  it("reads a done run's report and curves as written, and nothing for a run not done", async () => {
    const t = scratch.uow.tables.backtests;
    const id = randomUUID();
    await t.insertQueued({ id, requestHash: HASH, request: {}, requestedBy: 'ann', jobId: null });
    expect(await t.doneResult(id)).toBeNull();
    const report = { metrics: { sharpe: 1.25, trades: 3 }, notes: ['old English note'], nothing: null };
    await markDone(id, report, { equity: [1, 0.5, 2] });
    expect(await t.doneResult(id)).toEqual({ report, curves: { equity: [1, 0.5, 2] } });
  });

  it('a write through a transaction’s tables is undone by its rollback', async () => {
    const id = randomUUID();
    await expect(
      scratch.uow.transaction(async (tx) => {
        await tx.tables.backtests.insertQueued({ id, requestHash: HASH, request: {}, requestedBy: 'ann', jobId: null });
        // Inside the transaction the row is there …
        expect(await tx.tables.backtests.run(id)).toMatchObject({ id, status: 'queued' });
        // … and outside it not yet.
        expect(await scratch.uow.tables.backtests.run(id)).toBeNull();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await scratch.uow.tables.backtests.run(id)).toBeNull();
  });
});

describe('backtest trades', () => {
  it('reads a run’s trades in seq order with dates as YYYY-MM-DD and figures as numbers', async () => {
    const id = randomUUID();
    await scratch.uow.tables.backtests.insertQueued({ id, requestHash: HASH, request: {}, requestedBy: 'ann', jobId: null });
    // Inserted out of order: the read orders by seq.
    for (const seq of [2, 0, 1]) await insertTrade(id, seq, trade(seq));
    const trades = await scratch.uow.tables.backtests.trades(id);
    expect(trades).toEqual([trade(0), trade(1), trade(2)]);
    expect(typeof trades[0]!.entryPrice).toBe('number');
    expect(typeof trades[0]!.barsHeld).toBe('number');
    expect(await scratch.uow.tables.backtests.trades(randomUUID())).toEqual([]);
  });
});

import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backtests1764100000000 } from '../../../../migrations/1764100000000-Backtests.js';
import { backtestData } from '../../../../src/trading/backtest/data.js';
import { outcomeJson, type BacktestOutcome } from '../../../../src/trading/backtest/report.js';
import { buildRequest, requestHash } from '../../../../src/trading/backtest/request.js';
import { runBacktest } from '../../../../src/trading/backtest/run.js';
import { BacktestStore } from '../../../../src/trading/backtest/store.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { loadFixture } from '../../../unit/engine/fixtures.js';
import { openWithBacktestSchema } from './schema.js';

describe('backtest runs in Postgres', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let store: BacktestStore;
  const request = buildRequest({ strategies: ['donchian', 'turtle_soup'], symbols: ['GL', 'RVLV', 'SPY'], monteCarloRuns: 200, walkForward: true });
  const hash = requestHash(request);
  const data = backtestData(['GL', 'RVLV', 'SPY'].map(loadFixture), { source: 'csv', demo: false, benchmarkSymbol: 'SPY' });
  let outcome: BacktestOutcome;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await openWithBacktestSchema(db.url);
    store = new BacktestStore(new TypeOrmUnitOfWork(ds));
    outcome = await runBacktest(request, data);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('the request hash is deterministic across processes’ spellings', () => {
    const again = buildRequest({ strategies: ['turtle_soup', 'donchian'], symbols: ['spy', 'rvlv', 'gl'], monteCarloRuns: 200, seed: 1, walkForward: true });
    expect(requestHash(again)).toBe(hash);
  });

  it('stores a run through queued → running → done and reads it back byte-identically', async () => {
    expect(await store.hasSchema()).toBe(true);
    expect(await store.findDone(hash, data.fingerprint)).toBeNull();
    const id = await store.create({ request, requestHash: hash, requestedBy: 'test' });
    expect((await store.get(id))?.status).toBe('queued');
    await store.start(id, data);
    const running = await store.get(id);
    expect(running?.status).toBe('running');
    expect(running?.startedAt).toBeInstanceOf(Date);
    expect(running?.dataFingerprint).toBe(data.fingerprint);
    expect(await store.complete(id, outcome)).toEqual({ id, reused: false });

    const done = await store.findDone(hash, data.fingerprint);
    expect(done).toMatchObject({ id, status: 'done', tradeCount: outcome.trades.length, demo: false, dataSource: 'csv', requestedBy: 'test' });
    expect(done!.finishedAt!.getTime()).toBeGreaterThanOrEqual(done!.startedAt!.getTime());
    const loaded = await store.loadOutcome(id);
    expect(loaded).not.toBeNull();
    expect(outcomeJson(loaded!.report, loaded!.trades)).toBe(outcomeJson(outcome.report, outcome.trades));
    expect(loaded!.curves).toEqual(outcome.curves);
    const [row] = (await ds.query(`SELECT request, metrics->>'tradeCount' AS n FROM backtest_runs WHERE id = $1`, [id])) as { request: unknown; n: string }[];
    expect(row!.request).toEqual(JSON.parse(JSON.stringify(request)));
    expect(Number(row!.n)).toBe(outcome.trades.length);
  });

  it('two identical requests share one run: the later one is superseded and reuses the first', async () => {
    const first = (await store.findDone(hash, data.fingerprint))!;
    const second = await store.create({ request, requestHash: hash, requestedBy: 'test-2' });
    await store.start(second, data);
    expect(await store.complete(second, outcome)).toEqual({ id: first.id, reused: true });
    expect(await store.get(second)).toMatchObject({ status: 'cancelled', error: expect.stringMatching(/superseded/) });
    const counts = (await ds.query(`SELECT count(*)::int AS n FROM backtest_trades WHERE run_id = $1`, [second])) as { n: number }[];
    expect(counts[0]!.n).toBe(0);
    expect((await store.byRequest(hash)).filter((r) => r.status === 'done')).toHaveLength(1);
    // The database itself refuses a second finished run for the same request and data.
    await expect(
      ds.query(
        `INSERT INTO backtest_runs (id, request_hash, request, data_fingerprint, status, metrics, report, trade_count, requested_by, finished_at)
         VALUES (gen_random_uuid(), $1, '{}', $2, 'done', '{}', '{}', 0, 'x', now())`,
        [hash, data.fingerprint],
      ),
    ).rejects.toThrow(/backtest_runs_done_key/);
  });

  it('other data or another request is a different run', async () => {
    const other = buildRequest({ strategies: ['donchian'], symbols: ['GL', 'RVLV', 'SPY'] });
    expect(await store.findDone(requestHash(other), data.fingerprint)).toBeNull();
    expect(await store.findDone(hash, 'f'.repeat(64))).toBeNull();
  });

  it('records failures, cancellations and runs orphaned by a dead worker', async () => {
    const a = await store.create({ request, requestHash: hash, requestedBy: 'test', jobId: 'bt-job-1' });
    await store.fail(a, 'boom');
    expect(await store.get(a)).toMatchObject({ status: 'failed', error: 'boom' });
    const b = await store.create({ request, requestHash: hash, requestedBy: 'test', jobId: 'bt-job-1' });
    await store.cancel(b, 'cancelled by Ann');
    expect(await store.get(b)).toMatchObject({ status: 'cancelled', error: 'cancelled by Ann' });
    const c = await store.create({ request, requestHash: hash, requestedBy: 'test', jobId: 'bt-job-2' });
    await store.start(c, data);
    expect(await store.failUnfinishedOfJob('bt-job-2')).toBe(1);
    expect(await store.get(c)).toMatchObject({ status: 'failed', error: expect.stringMatching(/worker stopped/) });
    // A final state is never overwritten.
    await store.cancel(a);
    expect((await store.get(a))?.status).toBe('failed');
  });

  it('a report stored with typed notes reads back with the same codes and figures', async () => {
    const noted = { ...outcome, report: { ...outcome.report, notes: [{ code: 'demo_symbols' as const, demo: 1, of: 3 }, { code: 'monte_carlo_no_trades' as const }] } };
    const id = await store.create({ request, requestHash: 'c'.repeat(64), requestedBy: 'test' });
    expect(await store.complete(id, { ...noted, report: { ...noted.report, requestHash: 'c'.repeat(64), data: { ...noted.report.data, fingerprint: 'c'.repeat(64) } } })).toEqual({
      id,
      reused: false,
    });
    expect((await store.loadOutcome(id))!.report.notes).toEqual([{ code: 'demo_symbols', demo: 1, of: 3 }, { code: 'monte_carlo_no_trades' }]);
  });

  it('a report stored before notes were typed reads its English notes as recorded notes', async () => {
    // A row as the store wrote it when notes were strings.
    const old = { ...outcome.report, notes: ['1 of 3 symbols hold synthetic DEMO bars', 'Monte Carlo skipped: no trades to resample'] };
    const [row] = (await ds.query(
      `INSERT INTO backtest_runs (id, request_hash, request, data_fingerprint, status, metrics, report, curves, trade_count, requested_by, started_at, finished_at)
       VALUES (gen_random_uuid(), $1, $2, $3, 'done', $4, $5, $6, 0, 'old', now(), now()) RETURNING id`,
      ['d'.repeat(64), JSON.stringify(request), 'd'.repeat(64), JSON.stringify(old.metrics), JSON.stringify(old), JSON.stringify(outcome.curves)],
    )) as { id: string }[];
    const loaded = await store.loadOutcome(row!.id);
    expect(loaded!.report.notes).toEqual([
      { code: 'recorded', recorded: '1 of 3 symbols hold synthetic DEMO bars' },
      { code: 'recorded', recorded: 'Monte Carlo skipped: no trades to resample' },
    ]);
    expect({ ...loaded!.report, notes: [] }).toEqual({ ...outcome.report, notes: [] });
  });

  it('the migration enforces its invariants and rolls back cleanly', async () => {
    await expect(
      ds.query(`INSERT INTO backtest_runs (id, request_hash, request, status, requested_by) VALUES (gen_random_uuid(), 'nothex', '{}', 'queued', 'x')`),
    ).rejects.toThrow(/check/i);
    await expect(
      ds.query(`INSERT INTO backtest_runs (id, request_hash, request, status, requested_by) VALUES (gen_random_uuid(), $1, '{}', 'done', 'x')`, ['a'.repeat(64)]),
    ).rejects.toThrow(/check/i);
    const scratch = await createTestDatabase();
    const sds = await openWithBacktestSchema(scratch.url);
    try {
      const qr = sds.createQueryRunner();
      await new Backtests1764100000000().down(qr);
      await qr.release();
      expect(await new BacktestStore(new TypeOrmUnitOfWork(sds)).hasSchema()).toBe(false);
    } finally {
      await sds.destroy();
      await scratch.drop();
    }
  });
});

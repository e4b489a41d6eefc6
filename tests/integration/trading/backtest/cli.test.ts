import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_COMMANDS } from '../../../../src/cli/commands/index.js';
import { createBacktestCommand } from '../../../../src/cli/commands/backtest.js';
import { runPortfolio } from '../../../../src/engine/backtest/index.js';
import { roundedMetrics, roundedTrade } from '../../../../src/trading/backtest/json-rounding.js';
import { STRATEGIES } from '../../../../src/engine/strategies/index.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { loadFixture } from '../../../unit/engine/fixtures.js';
import { openWithBacktestSchema } from './schema.js';
import { runInProcess, type InProcessRun } from './run-in-process.js';
import { DIST_CLI } from '../../../helpers/cli.js';

const RUNNER = 'tests/integration/trading/backtest/cli-runner.ts';
const UNREACHABLE_DB = 'postgres://postgres@127.0.0.1:1/nowhere';

function spawnCli(entry: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []), entry, ...args], {
      env: { ...process.env, TELEGRAM_BOT_TOKEN: '', DATABASE_URL: UNREACHABLE_DB, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** In-process run with main.ts's mapping of errors to exit codes. */
function runCli(args: string[], opts: Parameters<typeof createBacktestCommand>[0] = {}): Promise<InProcessRun> {
  return runInProcess(createBacktestCommand({ databaseUrl: () => UNREACHABLE_DB, progress: false, ...opts }), args);
}

interface JsonOut {
  requestHash: string;
  request: { sizing: unknown; slippageBps: number; strategies: { id: string }[] };
  data: { source: string; demo: boolean; fingerprint: string; symbols: number };
  metrics: { tradeCount: number; totalReturn: number; sharpe: number | null };
  strategies: { strategy: string; metrics: { tradeCount: number } }[];
  benchmark: { symbol: string; start: string; end: string; metrics: { totalReturn: number } } | null;
  walkForward: { strategy: string; windows: { chosen: Record<string, number> }[]; grid: { points: number } }[] | null;
  monteCarlo: { runs: number; seed: number; finalEquity: { p50: number } } | null;
  trades: Record<string, unknown>[];
}

const SAMPLE = ['data/ohlcv/GL.csv', 'data/ohlcv/RVLV.csv', 'data/ohlcv/SPY.csv'];

describe('courtside backtest (CLI)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'cs-bt-'));
  });

  it('--json prints trades and metrics equal to runPortfolio on the bundled CSVs (fixed shares, zero slippage)', async () => {
    const r = await spawnCli(RUNNER, ['--strategy', 'all', '--csv', ...SAMPLE, '--sizing', 'shares:10', '--slippage-bps', '0', '--json', '--no-store']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as JsonOut;
    const series = ['GL', 'RVLV', 'SPY'].map(loadFixture);
    const ref = runPortfolio({
      series,
      signals: [(s) => STRATEGIES.donchian.signals(s, STRATEGIES.donchian.defaults), (s) => STRATEGIES.turtle_soup.signals(s, STRATEGIES.turtle_soup.defaults)],
      sizing: { kind: 'shares', n: 10 },
      slippageBps: 0,
      benchmark: loadFixture('SPY'),
    });
    expect(j.trades.length).toBe(ref.trades.length);
    // Printed JSON: prices on the tick, money in cents (the simulation itself is runPortfolio's, unrounded).
    expect(j.trades).toEqual(
      ref.trades.map((t) => roundedTrade({
        symbol: t.symbol,
        // Only Kobe strategies ran here (the engine's trade type names any signal source).
        strategy: t.strategy as 'donchian' | 'turtle_soup',
        signalDate: t.signalDate,
        entryDate: t.entryDate,
        entryPrice: t.entryPrice,
        exitDate: t.exitDate,
        exitPrice: t.exitPrice,
        qty: t.qty,
        pnl: t.pnl,
        pnlPct: t.pnlPct,
        barsHeld: t.barsHeld,
        exitReason: t.exitReason,
        commission: t.commission,
      })),
    );
    expect(j.metrics).toEqual(JSON.parse(JSON.stringify(roundedMetrics(ref.metrics))));
    expect(j.strategies.map((s) => s.strategy)).toEqual(['donchian', 'turtle_soup']);
    expect(j.strategies.map((s) => s.metrics.tradeCount).reduce((a, b) => a + b)).toBe(j.metrics.tradeCount);
    expect(j.benchmark?.symbol).toBe('SPY');
    // SPY's bars end before GL's and RVLV's: its buy-and-hold covers only its own dates.
    const spy = loadFixture('SPY');
    expect(j.benchmark).toMatchObject({ start: spy.dates[0], end: spy.dates.at(-1) });
    expect(j.benchmark!.metrics.totalReturn).toBeCloseTo(spy.close.at(-1)! / spy.close[0]! - 1, 9);
    expect(j.data).toMatchObject({ source: 'csv:GL.csv,RVLV.csv,SPY.csv', demo: false, symbols: 3 });
    expect(j.request.sizing).toEqual({ kind: 'shares', n: 10 });
    expect(j.walkForward).toBeNull();
    expect(j.monteCarlo).toBeNull();
    expect(r.err).toBe('');
  });

  it('repeated runs print byte-identical output', async () => {
    const args = ['--strategy', 'donchian', '--monte-carlo', '300', '--json', '--no-store'];
    const [a, b] = await Promise.all([runCli(args), runCli(args)]);
    expect(a.code).toBe(0);
    expect(b.out).toBe(a.out);
    const j = JSON.parse(a.out) as JsonOut;
    expect(j.data.source).toBe('sample-csv');
    expect(j.monteCarlo).toMatchObject({ runs: 300, seed: 1 });
    const seeded = JSON.parse((await runCli([...args, '--seed', '2'])).out) as JsonOut;
    expect(seeded.monteCarlo?.seed).toBe(2);
    expect(seeded.monteCarlo?.finalEquity.p50).not.toBe(j.monteCarlo?.finalEquity.p50);
    expect(seeded.trades).toEqual(j.trades);
  });

  it('--walk-forward reports each window’s choice from the 12-point grid and stitched OOS metrics', async () => {
    const r = await runCli(['--strategy', 'donchian', '--walk-forward', '--json', '--no-store']);
    expect(r.code, r.err).toBe(0);
    const wf = (JSON.parse(r.out) as JsonOut).walkForward!;
    expect(wf).toHaveLength(1);
    expect(wf[0]!.grid.points).toBe(12);
    expect(wf[0]!.windows.length).toBeGreaterThan(30);
    for (const w of wf[0]!.windows) {
      expect([20, 55, 100]).toContain(w.chosen.lookback);
      expect([1.5, 2, 3, 4]).toContain(w.chosen.stopAtrMult);
    }
    const text = await runCli(['--strategy', 'donchian', '--walk-forward', '--no-store', '--trades', '0']);
    expect(text.out).toMatch(/Walk-forward donchian: train 252 \/ test 63/);
    expect(text.out).toMatch(/stitched out-of-sample: return/);
  });

  it('prints a human summary without --json, and a progress bar when asked (TTY)', async () => {
    const r = await runCli(['--strategy', 'all', '--from', '2020-01-01', '--to', '2024-12-31', '--no-store'], { progress: true });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Backtest: donchian \+ turtle_soup on 3 symbols \(GL, RVLV, SPY\)/);
    expect(r.out).toMatch(/Range 2020-01-0\d → 2024-12-3\d/);
    expect(r.out).toMatch(/portfolio\s+[+-]/);
    expect(r.out).toMatch(/SPY buy & hold/);
    expect(r.out).toMatch(/Trades \(last 20 of \d+/);
    expect(r.err).toMatch(/\r\x1b\[K\[.*\] \d+% signals/);
    expect((await runCli(['--strategy', 'all', '--no-store'])).err).not.toMatch(/\r/);
  });

  it.each([
    [['--strategy', 'macd'], /unknown strategy "macd"/],
    [[], /--strategy is required/],
    [['--strategy', 'donchian', '--sizing', 'risk'], /bad sizing "risk"/],
    [['--strategy', 'donchian', '--sizing', 'shares:0'], /positive/],
    [['--strategy', 'donchian', '--from', '2024-02-30'], /--from "2024-02-30" is not a valid YYYY-MM-DD date/],
    [['--strategy', 'donchian', '--from', '2024-05-01', '--to', '2024-01-01'], /after --to/],
    [['--strategy', 'donchian', '--from', '1990-01-01', '--to', '1990-12-31'], /no bars between 1990-01-01 and 1990-12-31/],
    [['--strategy', 'donchian', '--csv', 'no/such/file.csv'], /cannot read no\/such\/file\.csv: no such file/],
    [['--strategy', 'donchian', '--param', 'lookbak=3'], /unknown parameter 'lookbak'/],
    [['--strategy', 'all', '--param', 'lookback=3'], /strategy\.key=value/],
    [['--strategy', 'donchian', '--slippage-bps=-1'], /--slippage-bps must be/],
    [['--strategy', 'donchian', '--monte-carlo', '1.5'], /--monte-carlo must be/],
    [['--strategy', 'donchian', '--bogus'], /bogus/],
    [['--strategy', 'donchian', '--universe', 'no/such/universe.csv'], /cannot read/],
  ])('usage error %j → exit 2', async (args, msg) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.out).toBe('');
  });

  it('malformed CSV lines are named with their line numbers (exit 2)', async () => {
    const bad = join(tmp, 'BAD.csv');
    writeFileSync(bad, 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,abc,11,9,10.5,100\n2024-01-04,10,11,9,10.5\n');
    const r = await runCli(['--strategy', 'donchian', '--csv', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/BAD\.csv line 3: open is not a number: "abc"/);
    expect(r.err).toMatch(/BAD\.csv line 4: missing column/);
  });

  it('real exit codes from a child process: 0 on success, 2 on a usage error with the usage text', async () => {
    const bad = await spawnCli(RUNNER, ['--strategy', 'donchian', '--sizing', 'kelly:2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/bad sizing "kelly:2".*\n\nUsage: courtside backtest --strategy/s);
    expect(bad.out).toBe('');
  });

  it('--universe reads symbols from a universe file, with bars from --data-dir, or synthetic DEMO bars', async () => {
    const uni = join(tmp, 'uni.csv');
    writeFileSync(uni, 'symbol,adv_dollar,adv_shares\nSPY,1000000000,2000000\nGL,50000000,400000\n');
    const real = await runCli(['--strategy', 'donchian', '--universe', uni, '--data-dir', 'data/ohlcv', '--json', '--no-store']);
    expect(real.code, real.err).toBe(0);
    expect((JSON.parse(real.out) as JsonOut).data).toMatchObject({ source: 'csv', demo: false, symbols: 2 });
    // Without --data-dir or a store: the real samples where they exist, DEMO bars for other universe symbols.
    const samples = await runCli(['--strategy', 'donchian', '--universe', uni, '--json', '--no-store'], { demoEndDate: () => '2025-06-30' });
    expect(samples.code, samples.err).toBe(0);
    expect((JSON.parse(samples.out) as JsonOut).data).toMatchObject({ source: 'sample-csv', demo: false, symbols: 2 });
    const demoUni = join(tmp, 'demo-uni.csv');
    writeFileSync(demoUni, 'symbol\nTOL\nMSFT\n');
    const demo = await runCli(['--strategy', 'donchian', '--universe', demoUni, '--json', '--no-store'], { demoEndDate: () => '2025-06-30' });
    expect(demo.code, demo.err).toBe(0);
    expect((JSON.parse(demo.out) as JsonOut).data).toMatchObject({ source: 'synthetic', demo: true, symbols: 2 });
    expect(demo.err).toMatch(/DEMO/);
    // The benchmark stays real SPY (the sample), never synthetic.
    expect((JSON.parse(demo.out) as JsonOut).benchmark).toMatchObject({ symbol: 'SPY' });
    const missing = await runCli(['--strategy', 'donchian', '--universe', uni, '--data-dir', tmp]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no CSV in .* for SPY, GL/);
  });

  describe('storage', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    let ds: DataSource;
    beforeAll(async () => {
      db = await createTestDatabase();
      ds = await openWithBacktestSchema(db.url);
    });
    afterAll(async () => {
      await ds?.destroy();
      await db?.drop();
    });

    it('stores the run and says where; the same request on the same data reuses it, byte for byte', async () => {
      const args = ['--strategy', 'all', '--csv', ...SAMPLE, '--monte-carlo', '200', '--json'];
      const first = await spawnCli(RUNNER, args, { DATABASE_URL: db.url });
      expect(first.code, first.err).toBe(0);
      const id = /stored as backtest run ([0-9a-f-]{36}) in postgres:\/\/postgres@127\.0\.0\.1:\d+\/cs_test_/.exec(first.err)?.[1];
      expect(id, first.err).toBeDefined();
      const second = await spawnCli(RUNNER, args, { DATABASE_URL: db.url });
      expect(second.code).toBe(0);
      expect(second.err).toContain(`reused stored backtest run ${id}`);
      expect(second.out).toBe(first.out);
      const fresh = await runCli([...args, '--no-store']);
      expect(fresh.out).toBe(first.out);

      const rows = (await ds.query(`SELECT id, status, request_hash, data_fingerprint, trade_count, requested_by FROM backtest_runs`)) as {
        id: string;
        status: string;
        request_hash: string;
        data_fingerprint: string;
        trade_count: number;
        requested_by: string;
      }[];
      expect(rows).toHaveLength(1);
      const j = JSON.parse(first.out) as JsonOut;
      expect(rows[0]).toMatchObject({ id, status: 'done', request_hash: j.requestHash, data_fingerprint: j.data.fingerprint, trade_count: j.trades.length });
      expect(rows[0]!.requested_by).toMatch(/^cli:/);

      // Other parameters: a new run.
      const other = await runCli(['--strategy', 'donchian', '--csv', ...SAMPLE, '--param', 'lookback=20', '--json'], { databaseUrl: () => db.url });
      expect(other.err).toMatch(/stored as backtest run/);
      expect(((await ds.query(`SELECT count(*)::int AS n FROM backtest_runs WHERE status = 'done'`)) as { n: number }[])[0]!.n).toBe(2);
    });

    it('with the database unreachable it still prints the results and warns', async () => {
      const r = await spawnCli(RUNNER, ['--strategy', 'donchian', '--json']);
      expect(r.code).toBe(0);
      expect((JSON.parse(r.out) as JsonOut).trades.length).toBeGreaterThan(0);
      expect(r.err).toMatch(/warning: database postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere is unreachable .*not stored/);
    });
  });

  it('is registered in the real CLI (`courtside backtest`)', async () => {
    expect(CLI_COMMANDS.some((c) => c.name === 'backtest')).toBe(true);
    const r = await spawnCli(DIST_CLI, ['backtest', '--strategy', 'donchian', '--json', '--no-store']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as JsonOut).trades.length).toBeGreaterThan(0);
    const bad = await spawnCli(DIST_CLI, ['backtest', '--strategy', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/courtside backtest: unknown strategy/);
  });

  it('the runner script exists', () => {
    expect(existsSync(RUNNER)).toBe(true);
  });
});

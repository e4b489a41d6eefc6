import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBacktestCommand } from '../../../src/cli/commands/backtest.js';
import { BLOCK_BARS } from '../../../src/trading/manifest/dataset-hash.js';
import { createTestDatabase } from '../../helpers/pg.js';
import { runInProcess } from '../trading/backtest/run-in-process.js';

/**
 * `courtside backtest` records a run manifest and `--replay` re-runs it:
 * identical on the same bars, and naming the symbol and dates after one bar
 * of a CSV changed. Real Postgres (a scratch database with every migration).
 */
describe('courtside backtest --replay', () => {
  let db: { url: string; drop(): Promise<void> };
  let client: pg.Client;
  let dir: string;
  const cli = (args: string[]) => runInProcess(createBacktestCommand({ databaseUrl: () => db.url, progress: false }), args);
  let short = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    dir = mkdtempSync(join(tmpdir(), 'cs-replay-'));
    for (const s of ['GL', 'RVLV', 'SPY']) copyFileSync(`data/ohlcv/${s}.csv`, join(dir, `${s}.csv`));
  }, 60_000);
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  const files = () => ['GL', 'RVLV', 'SPY'].map((s) => join(dir, `${s}.csv`));

  it('a backtest prints its manifest short hash; the manifest and the run are stored together', async () => {
    const run = await cli(['--strategy', 'donchian', '--csv', ...files(), '--monte-carlo', '200', '--seed', '7']);
    expect(run.code, run.err).toBe(0);
    const m = /Run manifest ([0-9a-f]{12}) · check it with: courtside backtest --replay \1/.exec(run.out);
    expect(m, run.out).not.toBeNull();
    short = m![1]!;
    const rows = await client.query(
      `SELECT m.id, m.kind, m.seed::int AS seed, jsonb_array_length(m.symbols) AS symbols, m.code_version, r.manifest_id = m.id AS linked
       FROM run_manifests m JOIN backtest_runs r ON r.manifest_id = m.id`,
    );
    expect(rows.rows).toEqual([{ id: expect.stringMatching(new RegExp(`^${short}[0-9a-f]{52}$`)), kind: 'backtest', seed: 7, symbols: 3, code_version: expect.stringMatching(/^0\.1\.0\+src\.[0-9a-f]{12}$/), linked: true }]);
  });

  it('replaying it on the same bars prints "identical" and exits 0 (text and --json)', async () => {
    const run = await cli(['--replay', short]);
    expect(run.code, run.out + run.err).toBe(0);
    const lines = run.out.trim().split('\n');
    expect(lines[0]).toBe(`Replay of run manifest ${short} (backtest)`);
    expect(lines[1]).toMatch(/^data: unchanged · 3 series · hash [0-9a-f]{12}$/);
    expect(lines[2]).toMatch(/^code: unchanged · 0\.1\.0\+src\.[0-9a-f]{12}$/);
    expect(lines.at(-1)).toMatch(/^identical: all \d+ key figures match$/);
    const json = await cli(['--replay', short, '--json']);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.out) as { manifest: { short: string }; data: { changed: boolean }; result: { identical: boolean } };
    expect(r).toMatchObject({ manifest: { short }, data: { changed: false }, result: { identical: true } });
  });

  it('after one bar of GL changed, the replay names GL and the dates holding that bar, says why, and exits 1', async () => {
    const path = join(dir, 'GL.csv');
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const at = 300; // a data line (the header is line 0)
    const [date, open, high, low, close, volume] = lines[at]!.split(',');
    // Close moved to the day's high: still a valid bar, a different dataset.
    expect(Number(high)).not.toBe(Number(close));
    lines[at] = [date, open, high, low, high, volume].join(',');
    writeFileSync(path, lines.join('\n') + '\n');

    const run = await cli(['--replay', short]);
    expect(run.code, run.out + run.err).toBe(1);
    const out = run.out.trim().split('\n');
    const m = /^data: CHANGED · GL: first changed bar between (\d{4}-\d\d-\d\d) and (\d{4}-\d\d-\d\d) \(the first differing block of 16 bars\)$/.exec(out[1]!);
    expect(m, out[1]).not.toBeNull();
    expect(BLOCK_BARS).toBe(16);
    expect(m![1]! <= date! && date! <= m![2]!).toBe(true);
    expect(out[2]).toMatch(/^code: unchanged/);
    expect(out.at(-1)).toMatch(/^differs: \S+ stored \S+, now \S+ · why: the data changed$/);

    const json = await cli(['--replay', short, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ data: { changed: true, difference: { kind: 'values', symbol: 'GL' } }, result: { identical: false, why: 'data' } });
  });

  it('an unknown or ambiguous id says what to give instead (exit 2)', async () => {
    const none = await cli(['--replay', '000000000000']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no run manifest .* starts with "000000000000"; copy the 12 hex digits after "manifest" from a backtest report/);
    const bad = await cli(['--replay', 'xyz']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/a manifest id is 6 to 64 hex digits/);
    const mixed = await cli(['--replay', short, '--strategy', 'donchian']);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch(/--replay takes only a manifest id/);
  });
});

/**
 * `courtside preflight` through the real CLI (the compiled build) against the
 * Bot API emulator, the shared Postgres and Redis (a private database and
 * prefix), and dead or silent addresses for the outages — the shared services
 * are never stopped. Each planted fault gives its own ✗ with its fix, exit 1.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../src/adapters/db/data-source.js';
import { BarsStore } from '../../src/adapters/bars/store.js';
import { startTelegramEmulator, type TelegramEmulator } from '../../src/dev/telegram/index.js';
import { previousSession, sessionsBetween } from '../../src/engine/calendar/index.js';
import { lastCompletedSession } from '../../src/trading/market-clock.js';
import { cliCommand, REPO_ROOT, type CliRun } from '../helpers/cli.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../helpers/env.js';
import { TEST_TOKEN } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { freePort } from '../helpers/services.js';

type Db = Awaited<ReturnType<typeof createTestDatabase>>;

/** Runs `courtside preflight …`, optionally with Node flags before the CLI (the fake clock), timing the whole process. */
function preflight(args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Promise<CliRun & { ms: number }> {
  const [cmd, argv] = cliCommand('preflight', ...args);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, [...nodeFlags, ...argv], { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, ms: Date.now() - started });
    });
  });
}

/** Bars for two symbols ending at `last` (real-looking, not DEMO), under source csv:e2e.csv. */
async function plantBars(url: string, last: string): Promise<void> {
  const ds = createDataSource(url, { poolSize: 2 });
  await ds.initialize();
  try {
    const dates = sessionsBetween(previousSession(previousSession(previousSession(last))), last);
    const bars = dates.map((date, i) => ({ date, open: 100 + i, high: 102 + i, low: 99 + i, close: 101 + i, volume: 1_000_000 }));
    await new BarsStore(ds).writeBars(
      ['AAA', 'BBB'].map((symbol) => ({ symbol, bars })),
      { source: 'csv:e2e.csv', demo: false, mode: 'replace' },
    );
  } finally {
    await ds.destroy();
  }
}

/** The ✗/⚠/✓ line of a check and its fix line, from the text report. */
function lineOf(out: string, title: string): { line: string; fix: string | null } {
  const lines = out.split('\n');
  const i = lines.findIndex((l) => l.slice(2).startsWith(`${title} — `));
  if (i < 0) throw new Error(`no line for "${title}" in:\n${out}`);
  const next = lines[i + 1] ?? '';
  return { line: lines[i]!, fix: next.startsWith('  fix: ') ? next.slice(7) : null };
}

describe('courtside preflight against the emulators', () => {
  let emulator: TelegramEmulator;
  let db: Db;
  const prefix = uniquePrefix();
  let env: NodeJS.ProcessEnv;
  const silent: Socket[] = [];
  let silentServer: Server;
  let silentPort: number;

  beforeAll(async () => {
    emulator = await startTelegramEmulator({ token: TEST_TOKEN, bot: { id: 555000111, username: 'cs_test_bot' } });
    db = await createTestDatabase();
    await plantBars(db.url, lastCompletedSession(Date.now()));
    // A service that accepts connections and never answers.
    silentServer = createServer((s) => silent.push(s));
    await new Promise<void>((r) => silentServer.listen(0, '127.0.0.1', () => r()));
    silentPort = (silentServer.address() as { port: number }).port;
    env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: emulator.url,
      TELEGRAM_ALLOWED_USER_IDS: '42:admin',
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      BROKER: 'paper',
      LOG_LEVEL: 'silent',
      COURTSIDE_HOME: '/tmp/courtside-preflight-test',
    };
  }, 60_000);

  afterAll(async () => {
    for (const s of silent) s.destroy();
    await new Promise((r) => silentServer?.close(r));
    await emulator?.close();
    await cleanRedis(prefix);
    await db?.drop();
  });

  it('a healthy set-up passes: exit 0 within 10 s, one line per check', async () => {
    const r = await preflight([], env);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
    expect(r.out).not.toMatch(/^✗/m);
    for (const title of ['Configuration', 'Postgres reachable', 'Migrations current', 'Redis reachable', 'Redis persistence', 'Telegram token', 'Allow-list', 'Polling', 'Kill switch', 'Clock vs Postgres', 'Data: csv:e2e.csv', 'Calendar (us)']) {
      expect(lineOf(r.out, title).line).toMatch(/^[✓⚠] /);
    }
    expect(lineOf(r.out, 'Telegram token').line).toMatch(/@cs_test_bot/);
    expect(lineOf(r.out, 'Data: csv:e2e.csv').line).toMatch(/2 symbols, last bar/);
    expect(r.out).toMatch(/^✓ Ready|^⚠ Ready, with warnings/m);
    expect(r.out).toMatch(/checks in (\d+ ms|\d+\.\d s)$/m);
    // Never a secret.
    expect(r.out + r.err).not.toContain(TEST_TOKEN);
  });

  it('--json prints the report; --market kr is a usage error naming the markets', async () => {
    const j = await preflight(['--json', '--market', 'us'], env);
    expect(j.code, j.err).toBe(0);
    const report = JSON.parse(j.out) as { level: string; ms: number; results: { id: string; level: string; fix: string | null }[] };
    expect(['pass', 'warn']).toContain(report.level);
    expect(report.results.map((x) => x.id)).toEqual(expect.arrayContaining(['config.file', 'postgres.reachable', 'redis.persistence', 'telegram.token', 'calendar.us', 'data.us.csv_e2e_csv', 'clock.postgres']));
    const kr = await preflight(['--market', 'kr'], env);
    expect(kr.code).toBe(2);
    expect(kr.err).toMatch(/unknown market "kr": this build has us/);
  });

  it('an invalid setting in the settings file: ✗ Configuration naming it and the file line, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-preflight-'));
    const file = join(dir, 'prod.env');
    writeFileSync(file, 'LOG_LEVEL=silent\nHTTP_PORT=not-a-port\n');
    try {
      const r = await preflight([], { ...env, COURTSIDE_ENV_FILE: file });
      expect(r.code, r.err).toBe(1);
      const { line, fix } = lineOf(r.out, 'Configuration');
      expect(line).toMatch(new RegExp(`^✗ Configuration — read ${file} \\(COURTSIDE_ENV_FILE\\): 1 setting from it, 1 overridden by the environment \\(LOG_LEVEL\\); 1 problem: HTTP_PORT \\(set in ${file}, line 2\\) `));
      expect(fix).toBe(`Fix HTTP_PORT in ${file} (a variable set in the environment wins over the file; .env.example documents each one).`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad Telegram token: ✗ with the BotFather fix, exit 1', async () => {
    const r = await preflight([], { ...env, TELEGRAM_BOT_TOKEN: '555000111:AAwrongTOKEN_000000000000000000000' });
    expect(r.code).toBe(1);
    const { line, fix } = lineOf(r.out, 'Telegram token');
    expect(line).toMatch(/^✗ Telegram token — getMe refused the token: 401/);
    expect(fix).toMatch(/TELEGRAM_BOT_TOKEN.*BotFather/);
    expect(r.out).not.toContain('AAwrongTOKEN');
  });

  it('Postgres down: ✗ saying where, and the checks that need it point at it; exit 1 within 10 s', async () => {
    const r = await preflight([], { ...env, DATABASE_URL: `postgres://postgres:pw-secret-1@127.0.0.1:${await freePort()}/nowhere` });
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    const { line, fix } = lineOf(r.out, 'Postgres reachable');
    expect(line).toMatch(/^✗ /);
    expect(fix).toMatch(/Start Postgres at 127\.0\.0\.1:\d+\/nowhere or correct DATABASE_URL/);
    expect(lineOf(r.out, 'Migrations current').fix).toMatch(/Fix "Postgres reachable" first/);
    expect(lineOf(r.out, 'Redis reachable').line).toMatch(/^✓ /);
    expect(r.out).not.toContain('pw-secret-1');
  });

  it('Redis down: ✗ saying where, exit 1 within 10 s', async () => {
    const r = await preflight([], { ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    const { line, fix } = lineOf(r.out, 'Redis reachable');
    expect(line).toMatch(/^✗ /);
    expect(fix).toMatch(/Start Redis at 127\.0\.0\.1:\d+ or correct REDIS_URL/);
    expect(lineOf(r.out, 'Postgres reachable').line).toMatch(/^✓ /);
  });

  it('a service that never answers: ✗ with the time waited, not a hung preflight', async () => {
    const r = await preflight([], { ...env, TELEGRAM_API_ROOT: `http://127.0.0.1:${silentPort}` });
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
    const { line, fix } = lineOf(r.out, 'Telegram token');
    expect(line).toMatch(/^✗ Telegram token — no answer within \d+ ms$/);
    expect(fix).toMatch(/did not answer/);
  });

  it('a pending migration: ✗ naming it, fix `courtside migrate`', async () => {
    const own = await createTestDatabase();
    try {
      await plantBars(own.url, lastCompletedSession(Date.now()));
      const last = (await queryIn(own.url, `DELETE FROM typeorm_migrations WHERE id = (SELECT max(id) FROM typeorm_migrations) RETURNING name`));
      const name = last[0]!.name;
      const r = await preflight([], { ...env, DATABASE_URL: own.url });
      expect(r.code).toBe(1);
      const { line, fix } = lineOf(r.out, 'Migrations current');
      expect(line).toBe(`✗ Migrations current — 1 pending migration: ${name}`);
      expect(fix).toMatch(/courtside migrate/);
      expect(failedChecks(r.out), r.out).toHaveLength(1);
    } finally {
      await own.drop();
    }
  });

  it('data a session stale: ✗ with the dates', async () => {
    const own = await createTestDatabase();
    try {
      const expected = lastCompletedSession(Date.now());
      const stale = previousSession(expected);
      await plantBars(own.url, stale);
      const r = await preflight([], { ...env, DATABASE_URL: own.url });
      expect(r.code).toBe(1);
      const { line, fix } = lineOf(r.out, 'Data: csv:e2e.csv');
      expect(line).toBe(`✗ Data: csv:e2e.csv — stale: 2 symbols, last bar ${stale}; the last completed session is ${expected} (1 session behind)`);
      expect(fix).toMatch(/courtside data import/);
      expect(failedChecks(r.out), r.out).toHaveLength(1);
    } finally {
      await own.drop();
    }
  });

  it('a calendar year missing (the clock near the end of the calendar): ✗ naming the year', async () => {
    const r = await preflight([], { ...env, COURTSIDE_TEST_NOW: '2050-06-01T15:00:00Z' }, ['--import', join(REPO_ROOT, 'tests', 'helpers', 'fake-now.mjs')]);
    expect(r.code).toBe(1);
    const { line, fix } = lineOf(r.out, 'Calendar (us)');
    expect(line).toMatch(/^✗ Calendar \(us\) — today 2050-06-01; the next 365 days need 2051-06-01, but the NYSE calendar covers through 2050-12-31 \(2051 missing\)$/);
    expect(fix).toMatch(/holidays and early closes for 2051/);
  });
});

/** The ✗ lines of checks (not the summary line). */
function failedChecks(out: string): string[] {
  return out.split('\n').filter((l) => l.startsWith('✗ ') && !l.startsWith('✗ Not ready'));
}

async function queryIn(url: string, sql: string): Promise<{ name: string }[]> {
  const ds = createDataSource(url, { poolSize: 1 });
  await ds.initialize();
  try {
    const r = (await ds.query(sql)) as [{ name: string }[], number] | { name: string }[];
    // DELETE … RETURNING answers [rows, count] through TypeORM.
    return (Array.isArray(r[0]) ? r[0] : r) as { name: string }[];
  } finally {
    await ds.destroy();
  }
}

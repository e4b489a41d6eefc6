/**
 * Postgres or Redis not running: the CLI names the service, the address it
 * tried (never the password) and the fix — not a bare "connect ECONNREFUSED".
 * Through the compiled CLI, each service pointed at a port nobody listens on.
 */
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliCommand, runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/services.js';
import { scratchDatabasePerDescribe } from './support/scratch-database.js';

const PG_PASSWORD = 'pgPASSWORDsecret';
const REDIS_PASSWORD = 'redisPASSWORDsecret';

/** Settings for a start that must not touch anything real. */
async function quietStart(): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    TELEGRAM_BOT_TOKEN: '',
    LOCAL_BOT_API_PORT: String(await freePort()),
    HTTP_PORT: '0',
    LOG_LEVEL: 'info',
    SEED_DEFAULT_DATA: 'false',
    SCHEDULE_ENABLED: 'false',
    COURTSIDE_HOME: '/tmp/courtside-test-home',
  };
}

describe('Postgres unreachable', () => {
  let port: number;
  let url: string;
  beforeAll(async () => {
    port = await freePort();
    url = `postgres://courtside:${PG_PASSWORD}@127.0.0.1:${port}/courtside`;
  });

  const expectClear = (r: { code: number | null; out: string; err: string }, setting: string) => {
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(new RegExp(`Postgres is not reachable at 127\\.0\\.0\\.1:${port}`));
    expect(r.err).toContain(setting);
    expect(r.err).toContain('docker compose up -d postgres redis');
    expect(`${r.out}${r.err}`).not.toContain(PG_PASSWORD);
  };

  it('`start` says which service, where, and the fix, and exits', async () => {
    const r = await runCli(['start', '--no-chat'], { env: { ...(await quietStart()), DATABASE_URL: url } });
    expect(r.signal, 'start hung instead of exiting').toBeNull();
    expectClear(r, 'DATABASE_URL');
  });

  it('`migrate` names MIGRATION_DATABASE_URL when that is the one it used', async () => {
    expectClear(await runCli(['migrate'], { env: { ...process.env, DATABASE_URL: url } }), 'DATABASE_URL');
    expectClear(await runCli(['migrate'], { env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused', MIGRATION_DATABASE_URL: url } }), 'MIGRATION_DATABASE_URL');
  });

  it('`audit verify` and `orders stuck` say the same', async () => {
    expectClear(await runCli(['audit', 'verify'], { env: { ...process.env, DATABASE_URL: url } }), 'DATABASE_URL');
    expectClear(await runCli(['orders', 'stuck'], { env: { ...process.env, DATABASE_URL: url } }), 'DATABASE_URL');
  });
});

describe('Redis unreachable', () => {
  const scratch = scratchDatabasePerDescribe();

  /** Runs `courtside start` (all roles) with Redis on a closed port until it has started and retried a while; returns its output. */
  async function startWithoutRedis(): Promise<{ text: string; redisPort: number }> {
    const redisPort = await freePort();
    const env = { ...(await quietStart()), DATABASE_URL: scratch.db.url, REDIS_PREFIX: scratch.prefix, REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:${redisPort}` };
    const child = spawn(...cliCommand('start', '--no-chat'), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    const deadline = Date.now() + 15_000;
    // The process still starts (it answers "Queue unavailable" until Redis is back): wait for all of its start-up.
    while (!/courtside started/.test(text) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // Let the reconnect attempts (every ≤ 2 s) run a while.
    await new Promise((r) => setTimeout(r, 2_500));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    return { text, redisPort };
  }

  // Only `start` connects to Redis (the other commands use Postgres alone); all roles, so every kind of connection is opened.
  it('`start` says which service, where, and the fix, once per connection', async () => {
    const { text, redisPort } = await startWithoutRedis();
    expect(text).toContain('courtside started');
    expect(text).toMatch(new RegExp(`Redis is not reachable at 127\\.0\\.0\\.1:${redisPort}`));
    expect(text).toContain('REDIS_URL');
    expect(text).toContain('docker compose up -d postgres redis');
    expect(text).not.toContain(REDIS_PASSWORD);
    // Each connection problem the app's own connections log says it in words.
    const problems = text.split('\n').filter((l) => l.includes('redis connection problem'));
    expect(problems.length).toBeGreaterThan(0);
    for (const l of problems) expect(l).toContain(`Redis is not reachable at 127.0.0.1:${redisPort}`);
    // The shared connection retries every ≤ 2 s through the 5 s start-up wait and after: it reports the outage once.
    expect(problems.filter((l) => (JSON.parse(l) as { msg: string }).msg === 'redis connection problem')).toHaveLength(1);
  }, 30_000);
});

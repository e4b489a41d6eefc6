/**
 * `.env` as the README's "Going live" uses it: every `courtside` command reads
 * ./.env (or the file COURTSIDE_ENV_FILE names) with the same validation as
 * the environment; the environment wins; `start` says which file it read and
 * which mode it chose, and why. Through the compiled CLI, in a temporary
 * working directory holding the .env.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramEmulator, type TelegramEmulator } from '../../src/dev/telegram/index.js';
import { cliCommand, runCli } from '../helpers/cli.js';
import { cleanRedis, uniquePrefix } from '../helpers/env.js';
import { TEST_TOKEN } from '../helpers/harness.js';
import { createTestDatabase } from '../helpers/pg.js';
import { freePort } from '../helpers/services.js';

/** A bot token that fails validation; its secret part must never be printed. */
const BAD_TOKEN_SECRET = 'shortSECRETx';
const BAD_TOKEN = `12345:${BAD_TOKEN_SECRET}`;

let dirs: string[] = [];
/** A fresh working directory with `.env` holding `lines`. */
function workDir(lines: string[], name = '.env'): string {
  const dir = mkdtempSync(join(tmpdir(), 'courtside-envfile-'));
  dirs.push(dir);
  writeFileSync(join(dir, name), `${lines.join('\n')}\n`);
  return dir;
}

/**
 * The test process's environment with COURTSIDE_ENV_FILE empty (so the CLI looks for ./.env; an empty
 * value also keeps tests/helpers/cli-child.env from setting it) and without the keys a case puts in
 * its file.
 */
function envWithout(keys: string[], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, COURTSIDE_ENV_FILE: '' };
  for (const k of keys) delete env[k];
  return { ...env, ...extra };
}

describe('courtside reads ./.env (or COURTSIDE_ENV_FILE)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let closedDb: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    closedDb = `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`;
  });
  afterAll(async () => {
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  it('a bad value in .env stops start-up like the same value in the environment: file, key and fix, never the value', async () => {
    const dir = workDir(['# my settings', `TELEGRAM_BOT_TOKEN=${BAD_TOKEN}`, 'TELEGRAM_ALLOWED_USER_IDS=1:admin']);
    const fromFile = await runCli(['start', '--no-chat'], { cwd: dir, env: envWithout(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_ALLOWED_USER_IDS'], { DATABASE_URL: closedDb, LOCAL_BOT_API_PORT: String(await freePort()), HTTP_PORT: '0' }) });
    expect(fromFile.code, fromFile.err).toBe(2);
    expect(fromFile.err).toContain('TELEGRAM_BOT_TOKEN');
    expect(fromFile.err).toContain(join(dir, '.env'));
    expect(fromFile.err).toMatch(/line 2/);
    expect(fromFile.err).toMatch(/must look like 123456789:AA/);
    expect(`${fromFile.out}${fromFile.err}`).not.toContain(BAD_TOKEN_SECRET);

    const fromEnv = await runCli(['start', '--no-chat'], { cwd: dir, env: { ...envWithout([], { DATABASE_URL: closedDb }), TELEGRAM_BOT_TOKEN: BAD_TOKEN, TELEGRAM_ALLOWED_USER_IDS: '1:admin', COURTSIDE_ENV_FILE: '/dev/null' } });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.err).toMatch(/TELEGRAM_BOT_TOKEN .*must look like 123456789:AA/);
    expect(`${fromEnv.out}${fromEnv.err}`).not.toContain(BAD_TOKEN_SECRET);
  });

  it('`audit verify` and `orders stuck` use DATABASE_URL from .env', async () => {
    const dir = workDir([`DATABASE_URL=${db.url}`]);
    const audit = await runCli(['audit', 'verify'], { cwd: dir, env: envWithout(['DATABASE_URL']) });
    expect(audit.code, audit.err).toBe(0);
    expect(audit.out).toMatch(/^OK: /);
    const orders = await runCli(['orders', 'stuck'], { cwd: dir, env: envWithout(['DATABASE_URL']) });
    expect(orders.code, orders.err).toBe(0);
    expect(orders.out).toMatch(/Nothing stuck/);
  });

  it('the environment wins over .env, and a bad value the environment overrides is not an error', async () => {
    const dir = workDir([`DATABASE_URL=${closedDb}`, 'HTTP_PORT=not-a-port']);
    const r = await runCli(['audit', 'verify'], { cwd: dir, env: envWithout([], { DATABASE_URL: db.url, HTTP_PORT: '0' }) });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^OK: /);
  });

  it('COURTSIDE_ENV_FILE names the file instead of ./.env; a missing one stops the command (exit 2)', async () => {
    const dir = workDir(['HTTP_PORT=not-a-port']);
    const other = join(workDir([`DATABASE_URL=${db.url}`], 'prod.env'), 'prod.env');
    const r = await runCli(['audit', 'verify'], { cwd: dir, env: envWithout(['DATABASE_URL'], { COURTSIDE_ENV_FILE: other }) });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^OK: /);
    const missing = join(dir, 'nope.env');
    const m = await runCli(['migrate'], { cwd: dir, env: envWithout([], { COURTSIDE_ENV_FILE: missing, DATABASE_URL: closedDb }) });
    expect(m.code).toBe(2);
    expect(m.err).toContain(missing);
    expect(m.err).toContain('COURTSIDE_ENV_FILE');
  });

  it('`migrate` and `chat` validate .env too', async () => {
    const dir = workDir(['LOCAL_BOT_API_PORT=eighty', `DATABASE_URL=${closedDb}`]);
    for (const args of [['migrate'], ['chat', '/status']]) {
      const r = await runCli(args, { cwd: dir, env: envWithout(['LOCAL_BOT_API_PORT', 'DATABASE_URL']) });
      expect(r.code, `${args[0]}: ${r.err}`).toBe(2);
      expect(r.err).toContain('LOCAL_BOT_API_PORT');
      expect(r.err).toContain(join(dir, '.env'));
    }
  });
});

describe('`courtside start` with the bot token in .env (README "Going live")', () => {
  let emulator: TelegramEmulator;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const prefix = uniquePrefix();

  beforeAll(async () => {
    emulator = await startTelegramEmulator({ token: TEST_TOKEN, bot: { id: 555000111, username: 'cs_test_bot' } });
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await emulator?.close();
    await cleanRedis(prefix);
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  it('runs against Telegram, not in local mode, and says which file it read and why it chose the mode', async () => {
    const dir = workDir([`TELEGRAM_BOT_TOKEN=${TEST_TOKEN}`, `TELEGRAM_API_ROOT=${emulator.url}`, 'TELEGRAM_ALLOWED_USER_IDS=1:admin', `REDIS_PREFIX=${prefix}`, 'LOG_LEVEL=info']);
    const env = envWithout(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_API_ROOT', 'TELEGRAM_ALLOWED_USER_IDS', 'REDIS_PREFIX', 'LOG_LEVEL'], {
      DATABASE_URL: db.url,
      HTTP_PORT: '0',
      LOCAL_BOT_API_PORT: String(await freePort()),
      SEED_DEFAULT_DATA: 'false',
      SCHEDULE_ENABLED: 'false',
      COURTSIDE_HOME: join(dir, 'home'),
    });
    const child = spawn(...cliCommand('start', '--role', 'bot', '--no-chat'), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const deadline = Date.now() + 20_000;
    while (!out.includes('courtside started') && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    await exited;
    expect(out, err).toContain('courtside started');
    expect(out).toMatch(/"mode":"telegram \(polling\)/);
    expect(err).not.toContain('LOCAL MODE');
    expect(err).toContain(`Settings: read ${join(dir, '.env')}`);
    expect(err).toMatch(new RegExp(`Mode: Telegram .*TELEGRAM_BOT_TOKEN is set in ${join(dir, '.env').replaceAll('.', '\\.')}`));
    expect(`${out}${err}`).not.toContain(TEST_TOKEN.split(':')[1]);
  }, 30_000);
});

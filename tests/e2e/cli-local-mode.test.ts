import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/services.js';
import { cleanRedis, uniquePrefix } from '../helpers/env.js';
import { createTestDatabase } from '../helpers/pg.js';
import { cliCommand } from '../helpers/cli.js';

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(...cliCommand(...args), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** As a new user runs it: `courtside start` in one process (no token), `courtside chat` from another. */
describe('local mode through the real CLI processes', () => {
  let server: ChildProcess;
  let env: NodeJS.ProcessEnv;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const prefix = uniquePrefix();
  let serverOutput = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    const botPort = await freePort();
    const httpPort = await freePort();
    env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: '',
      DATABASE_URL: db.url,
      REDIS_PREFIX: prefix,
      LOCAL_BOT_API_PORT: String(botPort),
      HTTP_PORT: String(httpPort),
      LOG_LEVEL: 'info',
      SEED_DEFAULT_DATA: 'false',
      COURTSIDE_HOME: '/tmp/courtside-cli-test',
    };
    server = spawn(...cliCommand('start'), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (serverOutput += d));
    server.stderr!.on('data', (d) => (serverOutput += d));
    const deadline = Date.now() + 30_000;
    while (!serverOutput.includes('courtside started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(serverOutput).toContain('LOCAL MODE');
  }, 40_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    await cleanRedis(prefix);
    await db?.drop();
  });

  it('runs the /start, /help, /status, /kill, /status, /resume + confirm flow via `courtside chat`', async () => {
    const chat = (...a: string[]) => cli(['chat', ...a, '--timeout', '20'], env);
    const start = await chat('/start');
    expect(start.code, start.err).toBe(0);
    expect(start.out).toMatch(/Courtside/);
    expect((await chat('/help')).out).toMatch(/\/kill \[reason\]/);
    expect((await chat('/status')).out).toMatch(/Kill switch: off/);
    expect((await chat('/kill', 'cli test')).out).toMatch(/KILL SWITCH ON/);
    expect((await chat('/status')).out).toMatch(/Kill switch: ON — cli test/);
    const resume = await chat('/resume', '--press', 'Confirm');
    expect(resume.out).toMatch(/\[\d+\] ✅ Confirm resume/);
    expect(resume.out).toMatch(/Trading resumed/);
    expect((await chat('/status')).out).toMatch(/Kill switch: off/);
  }, 60_000);

  it('`courtside chat` without a running instance says how to start one (exit 1)', async () => {
    const r = await cli(['chat', '/status'], { ...env, LOCAL_BOT_API_PORT: String(await freePort()) });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/npm start/);
  });

  it('health endpoint answers and SIGTERM shuts down cleanly (exit 0)', async () => {
    const health = await fetch(`http://127.0.0.1:${env.HTTP_PORT}/healthz`);
    expect(health.status).toBe(200);
    server.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => server.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    expect(serverOutput).toMatch(/"msg":"stopped"/);
  }, 20_000);
});

describe('CLI usage and configuration errors', () => {
  it('a bad environment stops start-up listing every problem (exit 2)', async () => {
    const r = await cli(['start'], { ...process.env, TELEGRAM_BOT_TOKEN: 'nope', HTTP_PORT: 'abc', REDIS_URL: 'http://x' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/3 problems/);
    expect(r.err).toMatch(/TELEGRAM_BOT_TOKEN/);
    expect(r.err).toMatch(/HTTP_PORT/);
    expect(r.err).toMatch(/REDIS_URL/);
  });

  it('unknown commands and bad options exit 2 with usage', async () => {
    expect((await cli(['frobnicate'], process.env)).code).toBe(2);
    const r = await cli(['start', '--role', 'chef'], process.env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown role "chef"/);
  });
});

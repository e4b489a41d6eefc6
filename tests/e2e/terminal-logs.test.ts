/**
 * `npm start` on a terminal (issue 13, item 11): a pseudo-TTY (util-linux `script`) runs the CLI.
 * No JSON log line or stack trace reaches the screen; the log file's path is printed once and the
 * file holds the logs.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/services.js';
import { cleanRedis, uniquePrefix } from '../helpers/env.js';
import { createTestDatabase } from '../helpers/pg.js';
import { cliCommandLine } from '../helpers/cli.js';

describe('logs on a terminal', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await cleanRedis(prefix);
    await db?.drop();
  });

  it('go to COURTSIDE_HOME/logs (path printed once), never over the chat', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cs-tty-logs-'));
    const env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: '',
      DATABASE_URL: db.url,
      REDIS_PREFIX: prefix,
      LOCAL_BOT_API_PORT: String(await freePort()),
      HTTP_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      SEED_DEFAULT_DATA: 'false',
      COURTSIDE_HOME: home,
    };
    const child = spawn('script', ['-qfec', cliCommandLine('start'), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d) => (screen += String(d).replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')));
    const waitFor = async (re: RegExp, ms = 20_000) => {
      const deadline = Date.now() + ms;
      while (!re.test(screen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(screen).toMatch(re);
    };
    try {
      await waitFor(/Local chat with your Courtside bot/);
      child.stdin.write('/status\r');
      await waitFor(/Kill switch: off/);
      child.stdin.write('\x04');
      expect(await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const path = join(home, 'logs', 'current.log');
    expect(screen.split(path).length - 1).toBe(1);
    expect(screen).not.toMatch(/\{"level":/);
    expect(await readFile(path, 'utf8')).toMatch(/"msg":"courtside started"/);
  }, 60_000);
});

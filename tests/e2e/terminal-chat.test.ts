import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/services.js';
import { cleanRedis, uniquePrefix } from '../helpers/env.js';
import { createTestDatabase } from '../helpers/pg.js';
import { cliCommandLine } from '../helpers/cli.js';

/** `npm start` on a terminal: a pseudo-TTY (util-linux `script`) drives the interactive chat. */
describe('terminal chat on a TTY', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await cleanRedis(prefix);
    await db?.drop();
  });

  it('types commands, shows replies, presses a numbered button, and quits on Ctrl-D', async () => {
    const env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: '',
      DATABASE_URL: db.url,
      REDIS_PREFIX: prefix,
      LOCAL_BOT_API_PORT: String(await freePort()),
      HTTP_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      SEED_DEFAULT_DATA: 'false',
      COURTSIDE_HOME: '/tmp/courtside-tty-test',
    };
    const child = spawn('script', ['-qfec', cliCommandLine('start'), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d) => (screen += String(d).replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')));
    const waitFor = async (re: RegExp, ms = 20_000) => {
      const deadline = Date.now() + ms;
      while (!re.test(screen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(screen).toMatch(re);
    };
    const type = (line: string) => child.stdin.write(line + '\r');
    try {
      await waitFor(/Local chat with your Courtside bot/);
      type('/kill from the terminal');
      await waitFor(/KILL SWITCH ON/);
      type('/resume');
      await waitFor(/\[\d+\] ✅ Confirm resume/);
      const n = /\[(\d+)\] ✅ Confirm resume/.exec(screen)![1]!;
      type(n);
      await waitFor(/Trading resumed/);
      // The same number again: the button was used; one plain line says so (issue 13, items 4 and 13).
      type(n);
      await waitFor(new RegExp(`\\[${n}\\] ✅ Confirm resume is no longer on its message`));
      expect(screen).not.toMatch(/emulator refused|callback_data/);
      type('/status');
      await waitFor(/Kill switch: off/);
      child.stdin.write('\x04');
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});

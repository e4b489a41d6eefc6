/**
 * `npm start` on a terminal (issue 13, item 11): a pseudo-TTY (util-linux `script`) runs the CLI.
 * No JSON log line or stack trace reaches the screen; the log file's path is printed once and the
 * file holds the logs.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDatabasePerDescribe } from './support/scratch-database.js';
import { localStartEnv, startOnTerminal } from './support/terminal.js';

describe('logs on a terminal', () => {
  const scratch = scratchDatabasePerDescribe();

  it('go to COURTSIDE_HOME/logs (path printed once), never over the chat', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cs-tty-logs-'));
    const t = startOnTerminal(await localStartEnv(scratch, 'info', home));
    try {
      await t.waitFor(/Local chat with your Courtside bot/);
      t.type('/status');
      await t.waitFor(/Kill switch: off/);
      expect(await t.quit()).toBe(0);
    } finally {
      t.kill();
    }
    const path = join(home, 'logs', 'current.log');
    expect(t.screen().split(path).length - 1).toBe(1);
    expect(t.screen()).not.toMatch(/\{"level":/);
    expect(await readFile(path, 'utf8')).toMatch(/"msg":"courtside started"/);
  }, 60_000);
});

/**
 * Logs on a terminal (issue 13, item 11): every line to a rotated file under COURTSIDE_HOME/logs,
 * only what the user must act on as one chat line; anything but a terminal keeps JSON on stdout.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logging/logger.js';
import { openTerminalLogging, terminalLoggingFor } from '../../../src/lib/logging/terminal-logging.js';
import { TerminalNotices } from '../../../src/lib/logging/terminal-notices.js';

describe('terminal logging', () => {
  it('writes every line to the log file and shows only errors and user-action warnings, once, as chat lines', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cs-logs-'));
    const shown: string[] = [];
    const logs = await openTerminalLogging({ home, notices: new TerminalNotices((l) => shown.push(l)) });
    const log = createLogger({ level: 'info', secrets: ['s3cretvalue'], destination: logs.destination });
    log.info({ roles: ['bot'] }, 'courtside started');
    log.warn({ attempt: 1 }, 'job failed; will retry');
    log.warn({ userAction: true }, 'Run `npx courtside data seed` to retry');
    log.warn({ userAction: true }, 'Run `npx courtside data seed` to retry');
    log.error({ err: new Error('connection refused s3cretvalue\n    at somewhere (file.js:1:1)') }, 'could not reach the broker');
    await logs.close();
    expect(shown).toEqual(['⚠️  Run `npx courtside data seed` to retry', '⚠️  could not reach the broker (connection refused [REDACTED])']);
    const text = await readFile(logs.path, 'utf8');
    expect(logs.path).toBe(join(home, 'logs', 'current.log'));
    expect(text).toMatch(/"msg":"courtside started"/);
    expect(text).toMatch(/"msg":"job failed; will retry"/);
    expect(text).toMatch(/at somewhere/);
    expect(text).not.toContain('s3cretvalue');
  });

  it('rotates by size and keeps a bounded number of files', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cs-logs-'));
    const logs = await openTerminalLogging({ home, rotation: { size: '1k', keep: 2 }, notices: new TerminalNotices(() => undefined) });
    const log = createLogger({ level: 'info', secrets: [], destination: logs.destination });
    for (let i = 0; i < 200; i++) {
      log.info({ i, pad: 'x'.repeat(100) }, 'filler');
      // Rolling happens on the stream's drain: give it a turn now and then.
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 50));
    await logs.close();
    const files = (await readdir(join(home, 'logs'))).filter((f) => /^courtside\.\d+\.log$/.test(f));
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(3);
  });

  it('is used only on a terminal: a service or a pipe keeps JSON on stdout', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cs-logs-'));
    expect(await terminalLoggingFor(false, home)).toBeNull();
    const tty = await terminalLoggingFor(true, home);
    expect(tty?.path).toBe(join(home, 'logs', 'current.log'));
    await tty?.close();
  });
});

import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type DestinationStream } from 'pino';
import pinoRoll from 'pino-roll';
import { TerminalNotices } from './terminal-notices.js';

/** Where the logs go when stdout is a terminal, and the chat lines for the ones the user must see. */
export interface TerminalLogging {
  /** Give to the logger (startApp's `logDestination`). */
  destination: DestinationStream;
  /** The log file in use (a symlink that follows the rotation). */
  path: string;
  notices: TerminalNotices;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/** Rotation: a new file at this size, this many old files kept. */
export const LOG_ROTATION = { size: '10m', keep: 5 } as const;

/**
 * Logs for a terminal: every line to COURTSIDE_HOME/logs (rotated by
 * pino-roll: courtside.N.log, `current.log` pointing at the one in use), and
 * the few the user must act on (see {@link TerminalNotices}) as chat lines,
 * so JSON and stack traces never cover the prompt. Used only when stdout is a
 * TTY; services and tests keep JSON on stdout.
 */
export async function openTerminalLogging(opts: { home: string; notices?: TerminalNotices; rotation?: { size: string; keep: number } }): Promise<TerminalLogging> {
  const dir = join(opts.home, 'logs');
  const rotation = opts.rotation ?? LOG_ROTATION;
  const file = await pinoRoll({ file: join(dir, 'courtside'), extension: '.log', size: rotation.size, limit: { count: rotation.keep }, mkdir: true, symlink: true, sync: true });
  const notices = opts.notices ?? new TerminalNotices();
  const toChat = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) notices.offer(line);
      cb();
    },
  });
  const destination = pino.multistream([
    { level: 'trace', stream: file },
    { level: 'warn', stream: toChat },
  ]);
  return {
    destination,
    path: join(dir, 'current.log'),
    notices,
    close: () =>
      new Promise<void>((resolve) => {
        file.once('close', () => resolve());
        file.end();
      }),
  };
}

/**
 * The start-up choice: a terminal gets {@link openTerminalLogging}; anything
 * else (a service, a pipe, a test) gets null and keeps JSON lines on stdout.
 */
export function terminalLoggingFor(stdoutIsTTY: boolean, home: string): Promise<TerminalLogging | null> {
  return stdoutIsTTY ? openTerminalLogging({ home }) : Promise.resolve(null);
}

import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';

/** A pino logger at the most verbose level whose output lines are kept in `lines`. */
export function captureLogs(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), lines };
}

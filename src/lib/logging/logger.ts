import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { makeScrubber } from './scrub.js';

export type { Logger } from 'pino';

/** Paths pino blanks out structurally; the scrubber catches secrets inside free text. */
const REDACT_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'secretKey',
  '*.secretKey',
  'adminToken',
  '*.adminToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-telegram-bot-api-secret-token"]',
  '*.headers["apca-api-secret-key"]',
];

/**
 * The process logger: JSON lines, secrets redacted by path and scrubbed from
 * every serialised line (error messages and stacks included).
 */
export function createLogger(opts: { level: string; secrets: readonly string[]; destination?: DestinationStream; base?: Record<string, unknown> }): Logger {
  const scrub = makeScrubber(opts.secrets);
  const options: LoggerOptions = {
    level: opts.level,
    base: { pid: process.pid, ...opts.base },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    hooks: { streamWrite: (line: string) => scrub(line) },
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

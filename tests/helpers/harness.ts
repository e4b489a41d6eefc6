import { Writable } from 'node:stream';
import { startApp, type ProcessRole, type RunningApp } from '../../src/app/start.js';
import { startTelegramEmulator, type TelegramEmulator } from '../../src/dev/telegram/index.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { cleanRedis, testConfig } from './env.js';
import { createTestDatabase } from './pg.js';

/** A bot token for tests that run the bot "for real" against a separate emulator. */
export const TEST_TOKEN = '555000111:AAtestTOKENsecret_do-not-log_0123456789';

export interface Harness {
  running: RunningApp;
  emulator: TelegramEmulator;
  /** Every log line the app wrote. */
  logs: string[];
  dbUrl: string;
  prefix: string;
  /** Sends a user message and waits for `count` bot events in that chat (messages, edits, answers). */
  say(userId: number, text: string, opts?: { count?: number; timeoutMs?: number }): Promise<OutboxEvent[]>;
  /** Presses an inline button on a bot message and waits for `count` events. */
  press(
    userId: number,
    messageId: number,
    data: string,
    opts?: { count?: number; timeoutMs?: number; chatId?: number; /** a replayed or crafted query, as a malicious client could send */ forged?: boolean },
  ): Promise<OutboxEvent[]>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra environment for the config (e.g. TELEGRAM_ALLOWED_USER_IDS). */
  env?: Record<string, string>;
  roles?: ProcessRole[];
  /**
   * 'local': local mode (no token; the app starts its own emulator).
   * 'token': a separate emulator and a real-looking token, like production against api.telegram.org.
   */
  mode?: 'local' | 'token';
  /** Reuse an existing database (e.g. for restart tests). */
  dbUrl?: string;
  /** Reuse a Redis prefix (restart tests). */
  prefix?: string;
  /** Reuse an emulator (restart tests). */
  emulator?: TelegramEmulator;
  /** HTTP port (default 0: any free port). */
  httpPort?: number;
  /** Wait until the bot polls (default true; false for a standby instance). */
  waitReady?: boolean;
}

const OUTPUT_METHODS = new Set(['sendMessage', 'sendPhoto', 'editMessageText', 'editMessageCaption', 'editMessageReplyMarkup', 'answerCallbackQuery', 'sendDocument']);

/** Starts the whole app against real Postgres and Redis and a Bot API emulator. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const mode = opts.mode ?? 'local';
  const db = opts.dbUrl ? null : await createTestDatabase();
  const dbUrl = opts.dbUrl ?? db!.url;
  const ownEmulator = mode === 'token' && !opts.emulator ? await startTelegramEmulator({ token: TEST_TOKEN, bot: { id: 555000111, username: 'cs_test_bot' } }) : null;
  const external = opts.emulator ?? ownEmulator;
  const env: Record<string, string> = {
    ...(mode === 'token' ? { TELEGRAM_BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: external!.url, TELEGRAM_ALLOWED_USER_IDS: '1:admin' } : {}),
    ...(opts.prefix ? { REDIS_PREFIX: opts.prefix } : {}),
    ...opts.env,
  };
  const config = testConfig(dbUrl, env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const running = await startApp({ ...config, log: { level: 'debug' } }, { roles: opts.roles ?? ['bot', 'worker', 'scheduler'], logDestination: sink, httpPort: opts.httpPort ?? 0 });
  const emulator = mode === 'local' ? running.emulator! : external!;
  if (opts.waitReady !== false) await running.bot?.ready;

  const collect = async (chatId: number, after: number, count: number, timeoutMs: number): Promise<OutboxEvent[]> => {
    const out: OutboxEvent[] = [];
    const deadline = Date.now() + timeoutMs;
    let seq = after;
    while (out.length < count && Date.now() < deadline) {
      const evs = await emulator.events({ chatId, afterSeq: seq, waitMs: Math.max(1, deadline - Date.now()) });
      for (const e of evs) {
        seq = Math.max(seq, e.seq);
        if (OUTPUT_METHODS.has(e.method)) out.push(e);
      }
    }
    return out;
  };

  return {
    running,
    emulator,
    logs,
    dbUrl,
    prefix: config.redis.prefix,
    async say(userId, text, o = {}) {
      const after = emulator.lastSeq;
      emulator.sendUserMessage({ userId, text, firstName: `User${userId}` });
      return collect(userId, after, o.count ?? 1, o.timeoutMs ?? 5_000);
    },
    async press(userId, messageId, data, o = {}) {
      const after = emulator.lastSeq;
      const chatId = o.chatId ?? userId;
      emulator.pressButton({ userId, chatId, messageId, data, firstName: `User${userId}`, ...(o.forged ? { allowUnknownData: true } : {}) });
      return collect(chatId, after, o.count ?? 1, o.timeoutMs ?? 5_000);
    },
    async stop() {
      await running.stop();
      if (!opts.emulator) await ownEmulator?.close();
      if (!opts.prefix) await cleanRedis(config.redis.prefix);
      await db?.drop();
    },
  };
}

/** Text of a message-bearing event (text or caption). */
export function textOf(e: OutboxEvent | undefined): string {
  return e?.message?.text ?? e?.message?.caption ?? e?.text ?? '';
}

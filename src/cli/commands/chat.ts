import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { loadConfig } from '../../app/config/config.js';
import { openRedis } from '../../adapters/redis/connections.js';
import { EmulatorClient } from '../../dev/telegram/client.js';
import { ChatWork } from '../../jobs/chat-work.js';
import { NO_INIT_COMMANDS } from '../../jobs/bullmq-options.js';
import { QUEUE_NAMES, type QueueName } from '../../jobs/registry.js';
import { chatOnce, describeWaiting } from '../chat/chat-once.js';
import { ButtonUnavailableError } from '../chat/press-button.js';
import { UsageError, type CliCommand } from '../command.js';
import { addressOf } from '../../lib/service-unreachable.js';

/** Default --timeout, seconds. */
const DEFAULT_TIMEOUT_S = 120;
/** Exit code when --timeout stopped the wait while the bot was still working. */
export const CHAT_TIMEOUT_EXIT = 3;

export const chatCommand: CliCommand = {
  name: 'chat',
  summary: 'Send one message to a running local instance and print the replies once the bot is done',
  usage:
    'courtside chat "<message>" [--press <button number or label>] [--timeout <seconds, default 120>]\n' +
    'courtside chat --press 7              (press the button shown as [7]; or part of a label, e.g. --press Confirm)\n' +
    '  Returns when every job the message started has finished and its messages are delivered.\n' +
    '  Exit 3: --timeout passed first (what arrived is printed; the bot carries on).\n' +
    '  Talks to the local emulator on LOCAL_BOT_API_PORT (default 8081) as LOCAL_USER_ID, and reads job state from REDIS_URL.',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { press: { type: 'string' }, timeout: { type: 'string' }, user: { type: 'string' } },
    });
    const text = positionals.join(' ').trim();
    if (!text && !values.press) throw new UsageError('give a message to send, e.g. courtside chat "/status"');
    const timeoutS = values.timeout === undefined ? DEFAULT_TIMEOUT_S : Number(values.timeout.replace(/s$/, ''));
    if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError('--timeout must be a positive number of seconds');
    const config = loadConfig();
    const userId = values.user ? Number(values.user) : config.local.userId;
    if (!Number.isSafeInteger(userId) || userId <= 0) throw new UsageError('--user must be a positive user id');

    let redisError: Error | null = null;
    const redis = openRedis(config.redis.url, 'producer', (err) => (redisError = err));
    // Each queue needs an 'error' listener (else a close during connect is an unhandled rejection); the connection reports the outage itself.
    const queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, new Queue(q, { connection: redis, prefix: config.redis.prefix, ...NO_INIT_COMMANDS }).on('error', (err) => (redisError ??= err))])) as Record<QueueName, Queue>;
    try {
      const result = await chatOnce({
        client: new EmulatorClient(`http://127.0.0.1:${config.local.botApiPort}`),
        work: new ChatWork(queues),
        userId,
        text: text || null,
        ...(values.press ? { press: values.press } : {}),
        timeoutMs: timeoutS * 1000,
        photoDir: join(config.home, 'photos'),
        print: (l) => io.stdout(l + '\n'),
      });
      if (result.done) return 0;
      io.stderr(`⏳ Stopped waiting after ${timeoutS} s; still running: ${describeWaiting(result)}. The bot carries on: see the rest with \`courtside chat\` later.\n`);
      return CHAT_TIMEOUT_EXIT;
    } catch (err) {
      if (err instanceof ButtonUnavailableError) {
        io.stderr(`${err.message}\n`);
        return 1;
      }
      if (redisError && !(err instanceof Error && /local Courtside instance/.test(err.message))) {
        throw new Error(`cannot tell when the bot is done: Redis at ${addressOf(config.redis.url, 6379)} does not answer (${(redisError as Error).message}). Start Redis, or set REDIS_URL to the one \`npm start\` uses.`);
      }
      throw err;
    } finally {
      await Promise.all(
        Object.values(queues).map((q) =>
          q.close().catch((err: unknown) => {
            // With Redis down the outage is already what this command reports; otherwise say it.
            if (!redisError) io.stderr(`note: a job queue did not close cleanly (${err instanceof Error ? err.message : String(err)})\n`);
          }),
        ),
      );
      redis.disconnect();
    }
  },
};


import type { Worker } from 'bullmq';
import { openRedis } from '../../adapters/redis/connections.js';
import { ChatPacer } from '../../bot/outbox/chat-pacer.js';
import { deliverNotify } from '../../bot/outbox/delivery.js';
import { DeliveryFailures } from '../../bot/outbox/delivery-failures.js';
import { createTelegramClient } from '../../bot/outbox/telegram-client.js';
import { startQueueWorker } from '../../jobs/worker-runtime.js';
import { closeWorker } from '../../jobs/close-worker.js';
import type { AppContext } from '../context.js';

/** The `notify` queue's consumer: sends the outbox (and every bot reply) to Telegram, paced. */
export interface NotifyDelivery {
  worker: Worker;
  /** The Telegram client it sends with (the worker role also posts scheduled-scan acks with it). */
  telegram: ReturnType<typeof createTelegramClient>;
  /** Closes the worker (waiting for a send in flight) and its connections. */
  stop(): Promise<void>;
}

/**
 * Starts delivering the outbox. Every worker process does; a bot process
 * without a worker role does too, so a reply (/help, a refusal, the /kill
 * answer) never waits for a worker to be up. Several consumers are safe: the
 * pacing (per chat, and Telegram's global limit) is kept in Redis.
 */
export function startNotifyDelivery(app: AppContext, role: 'worker' | 'bot'): NotifyDelivery {
  const { config, log } = app;
  const blocking = () => openRedis(config.redis.url, 'blocking', (err) => log.warn({ err: err.message, role }, 'notify redis connection problem'));
  const conn = blocking();
  const workerConn = blocking();
  const pacer = new ChatPacer(conn, config.redis.prefix, config.notify.chatPerSec, config.notify.chatBurst);
  const telegram = createTelegramClient(config.telegram);
  const failures = new DeliveryFailures(conn, config.redis.prefix, app.alerts);
  const worker = startQueueWorker(
    'notify',
    {
      'notify.deliver': (p, run) => deliverNotify(p, run, { telegram, redis: conn, prefix: config.redis.prefix, pacer, blobs: app.blobs, metrics: app.metrics, failures }),
    },
    {
      prefix: config.redis.prefix,
      logger: log.child({ role }),
      metrics: app.metrics,
      name: app.instanceId,
      connection: workerConn,
      concurrency: config.worker.concurrency,
      // A reply or confirmation on its way to a person: incubation waits (ForegroundGate).
      hold: () => app.foreground.hold(),
      // Telegram's global limit is about 30 messages/s per bot.
      limiter: { max: config.notify.globalPerSec, duration: 1_000 },
    },
  );
  return {
    worker,
    telegram,
    async stop() {
      await closeWorker(worker, log);
      // BullMQ does not close connections it was given.
      for (const c of [conn, workerConn]) c.disconnect();
    },
  };
}

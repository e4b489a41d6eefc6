import type { Job, Worker } from 'bullmq';
import { jobFailureAlerts } from '../../trading/alerts/alerts.js';
import { createTelegramClient, directTextSender } from '../../bot/outbox/telegram-client.js';
import { commandHandlers, tellUserCommandFailed, tellUserScanFailed } from '../../jobs/handlers/commands.js';
import { startQueueWorker } from '../../jobs/worker-runtime.js';
import { backtestHandlers, tellUserBacktestFailed } from '../../jobs/handlers/backtest.js';
import { ChatPacer } from '../../bot/outbox/chat-pacer.js';
import { deliverNotify } from '../../bot/outbox/delivery.js';
import { openRedis } from '../../adapters/redis/connections.js';
import { seedDefaultDataInBackground } from '../seed-on-start.js';
import { createFlowProducer, finishScan, runScanChunk, startScan, type ScanDeps } from '../../jobs/handlers/scan.js';
import type { AppContext } from '../context.js';
import { executionDeps, executionHandlers, tellExecutionGaveUp } from '../../jobs/handlers/execution.js';
import { createTradingDeps } from '../trading-deps.js';
import { runScheduledScan } from '../../jobs/handlers/scheduled-scan.js';

/** A running worker role: BullMQ workers for the command and notify queues. */
export interface WorkerRole {
  workers: Worker[];
  /** Settles when the default data is loaded (immediately when SEED_DEFAULT_DATA is off). */
  seeding: Promise<void>;
  stop(): Promise<void>;
}

/** Executions running at once per process (see the pool note where the worker starts). */
const EXECUTION_CONCURRENCY_MAX = 4;

/** Jobs whose failure an admin must hear about (user commands already tell their user). */
const ALERTING_JOBS = new Set(['execution.run', 'execution.cancel_all', 'execution.flatten', 'execution.exits', 'execution.mark', 'execution.reconcile', 'digest.send', 'scan.scheduled']);

export function startWorkerRole(app: AppContext): WorkerRole {
  const { config, log } = app;
  const failureAlerts = jobFailureAlerts(app.alerts, { ignore: [] });
  const alertOnFailure = (job: Job, err: Error) =>
    ALERTING_JOBS.has(job.name) && !(job.name === 'digest.send' && (job.data as { chatId?: number }).chatId !== undefined)
      ? failureAlerts.onFinalFailure(job, new Error(app.scrub(err.message)))
      : Promise.resolve();
  const blocking = () => openRedis(config.redis.url, 'blocking', (err) => log.warn({ err: err.message }, 'worker redis connection problem'));
  const shared = { prefix: config.redis.prefix, logger: log.child({ role: 'worker' }), metrics: app.metrics, name: app.instanceId };

  const commandConn = blocking();
  const commands = startQueueWorker('commands', commandHandlers(app), {
    ...shared,
    connection: commandConn,
    concurrency: config.worker.concurrency,
    onFinalFailure: async (job, err) => {
      await tellUserCommandFailed(app, job, err);
      await alertOnFailure(job, err);
    },
  });

  const notifyConn = blocking();
  const notifyWorkerConn = blocking();
  const pacer = new ChatPacer(notifyConn, config.redis.prefix, config.notify.chatPerSec, config.notify.chatBurst);
  const telegram = createTelegramClient(config.telegram);
  const notify = startQueueWorker(
    'notify',
    {
      'notify.deliver': (p, run) => deliverNotify(p, run, { telegram, redis: notifyConn, prefix: config.redis.prefix, pacer, blobs: app.blobs, metrics: app.metrics }),
    },
    {
      ...shared,
      connection: notifyWorkerConn,
      concurrency: config.worker.concurrency,
      // Telegram's global limit is about 30 messages/s per bot.
      limiter: { max: config.notify.globalPerSec, duration: 1_000 },
    },
  );
  const scanConn = blocking();
  const flows = createFlowProducer(scanConn, config.redis.prefix);
  const scanDeps: ScanDeps = { config, data: app.scanData, picks: app.picks, notifier: app.notifier, charts: app.charts, redis: app.redis, flows, now: () => Date.now() };
  const scans = startQueueWorker(
    'scans',
    {
      'scan.start': (p, run) => startScan(p, run, scanDeps),
      'scan.chunk': (p, run) => runScanChunk(p, run, scanDeps),
      'scan.finish': (p, run) => finishScan(p, run, scanDeps),
      'scan.scheduled': (p, run) =>
        runScheduledScan(p, run, {
          config,
          ds: app.ds,
          redis: app.redis,
          jobs: app.jobs,
          sendAck: directTextSender(telegram),
        }),
    },
    {
      ...shared,
      connection: blocking(),
      // Chunks are CPU-bound: more than one per core only adds contention.
      concurrency: 2,
      onFinalFailure: async (job, err) => {
        await tellUserScanFailed(app, job, err);
        await alertOnFailure(job, err);
      },
    },
  );
  const backtestConn = blocking();
  const backtests = startQueueWorker('backtests', backtestHandlers(app), {
    ...shared,
    connection: backtestConn,
    // CPU-bound and long: one at a time per worker process; scale with more workers.
    concurrency: 1,
    onFinalFailure: (job, err) => tellUserBacktestFailed(app, job, err),
  });
  const executionConn = blocking();
  const trading = createTradingDeps(config, app.ds, log.child({ component: 'broker' }));
  const execDeps = executionDeps(app, trading);
  const executions = startQueueWorker('executions', executionHandlers(app, trading, execDeps), {
    ...shared,
    connection: executionConn,
    // Each run mostly waits on the broker, but holds a pooled Postgres connection for its advisory
    // lock and needs a second for its queries: stay well under the pool (10) so runs never starve it.
    concurrency: Math.min(config.worker.concurrency, EXECUTION_CONCURRENCY_MAX),
    onFinalFailure: async (job, err) => {
      await (job.name === 'execution.run' ? tellExecutionGaveUp(app, execDeps, job, err) : tellUserCommandFailed(app, job, err));
      await alertOnFailure(job, err);
    },
  });
  for (const w of [executions, commands, scans]) {
    w.on('completed', (job) => {
      if (ALERTING_JOBS.has(job.name)) void failureAlerts.onCompleted(job).catch(() => undefined);
    });
  }
  const workers = [commands, notify, scans, backtests, executions];
  // Reconcile at start-up: whatever happened while no worker ran (a crash mid-order) is booked or reported now.
  void app.jobs
    .add('execution.reconcile', { reason: 'startup' }, { jobId: `reconcile-start-${app.instanceId}` })
    .catch((err: unknown) => log.warn({ err }, 'start-up reconciliation not enqueued; the scheduled one will run'));
  const seeding = config.seedDefaultData ? seedDefaultDataInBackground(app) : Promise.resolve();
  return {
    workers,
    seeding,
    async stop() {
      // close() waits for active jobs to finish, so a job is never cut in half on SIGTERM.
      await Promise.all(workers.map((w) => w.close()));
      // BullMQ does not close connections it was given.
      await flows.close().catch(() => undefined);
      for (const c of [commandConn, notifyConn, notifyWorkerConn, scanConn, backtestConn, executionConn]) c.disconnect();
    },
  };
}

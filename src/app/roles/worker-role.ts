import { checkAccountFlagsAtStartup } from '../../trading/status/account-flags-check.js';
import { dispatchQueuedClose } from '../../jobs/handlers/close.js';
import type { Job, Worker } from 'bullmq';
import { adminChatIds, jobFailureAlerts } from '../../trading/alerts/alerts.js';
import { directTextSender } from '../../bot/outbox/telegram-client.js';
import { startNotifyDelivery } from './notify-delivery.js';
import { commandHandlers, tellUserCommandFailed, tellUserScanFailed, type CommandsDeps } from '../../jobs/handlers/commands.js';
import { configuredSlots } from './scheduler-role.js';
import { startQueueWorker } from '../../jobs/worker-runtime.js';
import { closeWorker } from '../../jobs/close-worker.js';
import { backtestFailureHook, backtestHandlers, type BacktestQueueDeps } from '../../jobs/handlers/backtest.js';
import { openRedis } from '../../adapters/redis/connections.js';
import { seedDefaultDataInBackground, seedingState } from '../seed-on-start.js';
import { scanHandlers, type ScanQueueDeps } from '../../jobs/handlers/scan.js';
import { scheduledScanAckPoster } from '../../bot/render/scan.js';
import { recipientsFor } from '../../trading/settings/recipients.js';
import { BacktestStore } from '../../trading/backtest/store.js';
import { HypothesisStore } from '../../trading/hypotheses/store.js';
import { barsStoreSource } from '../../trading/backtest/bars-source.js';
import { backtestDataSources } from '../backtest-sources.js';
import type { AppContext } from '../context.js';
import { executionHandlers, tellExecutionGaveUp } from '../../jobs/handlers/execution.js';
import { startStuckRecovery } from '../../jobs/handlers/stuck-recovery.js';
import { sharedCalendarOverrides } from '../../trading/calendar/overrides-source.js';
import { createKrTrading, createTradingDeps, executionQueueDeps, krLane } from '../trading-deps.js';
import { CANCEL_OWED_POLL_MS, OwedCancelRunner } from '../../trading/kill-switch/cancel-owed.js';
import { marketHoursFor } from '../../engine/market-hours.js';
import { REGULAR_HOURS, openQueueSlots } from '../../engine/schedule/slots.js';
import { startScheduler, type Scheduler, type SlotRun } from '../../jobs/scheduler/runner.js';
import { hypothesesHandlers } from '../../jobs/handlers/hypotheses.js';
import { HypothesisBookStore } from '../../trading/hypotheses/books.js';
import { defaultMarketEquity } from '../../trading/hypotheses/market-equity.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { scanDataUniverse } from '../../trading/hypotheses/universe.js';
import { EvaluationPool } from '../../adapters/compute/evaluation-pool.js';
import { storedLiveHypotheses } from '../../trading/hypotheses/live-source-store.js';
import { brokerScanAccount } from '../../trading/scan/broker-account.js';
import { nyToday } from '../../engine/calendar/timezone.js';
import { errText } from '../../lib/errors.js';
import { preflightAtStartup, runStartupPreflight } from '../startup-preflight.js';
import { preflightBlock, preflightBlockLine } from '../../trading/preflight/gate.js';
import { PICK_EXPIRY_SWEEP_MS, recordExpiredPicks } from '../../trading/scan/pick-expiry.js';
import { closesFromBars } from '../../trading/risk/closes-source.js';

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
const ALERTING_JOBS = new Set(['execution.run', 'execution.cancel_all', 'execution.flatten', 'execution.close', 'execution.exits', 'execution.mark', 'execution.reconcile', 'digest.send', 'scan.scheduled', 'hypotheses.session', 'hypothesis.incubate']);

export function startWorkerRole(app: AppContext): WorkerRole {
  const { config, log } = app;
  const failureAlerts = jobFailureAlerts(app.alerts, { ignore: [] });
  const alertOnFailure = (job: Job, err: Error) =>
    ALERTING_JOBS.has(job.name) && !(job.name === 'digest.send' && (job.data as { chatId?: number }).chatId !== undefined)
      ? failureAlerts.onFinalFailure(job, new Error(app.scrub(err.message)))
      : Promise.resolve();
  const blocking = () => openRedis(config.redis.url, 'blocking', (err) => log.warn({ err: err.message }, 'worker redis connection problem'));
  const shared = { prefix: config.redis.prefix, logger: log.child({ role: 'worker' }), metrics: app.metrics, name: app.instanceId };

  const hypothesisStore = new HypothesisStore(app.uow, app.audit);
  const hypothesisBooks = new HypothesisBookStore(app.uow);
  // Walk-forwards run on worker threads: the event loop stays free for approvals and /kill.
  const evaluationPool = new EvaluationPool({ gate: app.foreground, log: app.log.child({ component: 'evaluation-pool' }) });
  // Each market's equity for the hypotheses (books, the 40 % cap, /hypotheses): KR on the same won the KR scan sizes its
  // picks with (PAPER_STARTING_CASH_KR), so a LIVE hypothesis's cap and its picks agree; US keeps its fixed book value.
  const krSizingEquity = config.scan.kr?.sizing?.equity;
  const hypothesisEquity = async (m: MarketId): Promise<number> => (m === 'KR' && krSizingEquity !== undefined ? krSizingEquity : defaultMarketEquity(m));
  const commandConn = blocking();
  const commandsDeps: CommandsDeps = {
    db: app.uow,
    publisher: app.publisher,
    killSwitch: app.killSwitch,
    status: app.statusSources,
    picks: app.picks,
    scheduledSlots: configuredSlots(config),
    hypotheses: hypothesisStore,
    risk: config.risk,
    config,
    log: app.log,
    hypothesisEquity,
  };
  // Foreground work (a tap, a command) pauses the walk-forwards while it runs: see EvaluationPool.hold.
  const foreground = () => app.foreground.hold();
  const commands = startQueueWorker('commands', commandHandlers(commandsDeps), {
    ...shared,
    hold: foreground,
    connection: commandConn,
    concurrency: config.worker.concurrency,
    onFinalFailure: async (job, err) => {
      await tellUserCommandFailed(app, job, err);
      await alertOnFailure(job, err);
    },
  });

  const delivery = startNotifyDelivery(app, 'worker');
  const telegram = delivery.telegram;
  const notify = delivery.worker;
  const seedFlag = seedingState(app.redis, config.redis.prefix);
  const scanDeps: ScanQueueDeps = {
    settings: config.scan,
    data: app.scanData,
    runs: app.picks,
    seeding: seedFlag,
    notifier: app.publisher,
    jobs: app.jobs,
    redis: app.redis,
    prefix: config.redis.prefix,
    now: () => Date.now(),
    recipients: () => recipientsFor('digest', app.uow, config.telegram.allowed),
    postScheduledAck: scheduledScanAckPoster(directTextSender(telegram)),
    hypotheses: storedLiveHypotheses({ store: hypothesisStore, books: hypothesisBooks, db: app.uow }),
    // `trading` is built below; the account is only read when a scan finishes.
    account: brokerScanAccount({
      account: () => trading.broker.account(),
      db: app.uow,
      session: () => nyToday(new Date()),
      equity: config.scan.sizing.equity,
      onError: (err) => log.warn({ err: app.scrub(errText(err)) }, 'scan sizing: broker account unreadable, caps assume an all-cash account'),
    }),
    // Pick cards say what they move with (issue 21); equity from the broker, else the sizing equity (the approval re-reads the account).
    correlation: {
      db: app.uow,
      closes: closesFromBars(app.uow),
      settings: config.risk,
      equity: () =>
        trading.broker.account().then(
          (a) => a.equity,
          (err: unknown) => {
            log.warn({ err: app.scrub(errText(err)) }, 'scan cards: broker account unreadable, correlation line uses SIZING_EQUITY');
            return config.scan.sizing.equity;
          },
        ),
    },
  };
  const scans = startQueueWorker(
    'scans',
    scanHandlers(scanDeps),
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
  const backtestDeps: BacktestQueueDeps = {
    runs: new BacktestStore(app.uow),
    data: { sources: backtestDataSources(), barsStore: barsStoreSource(app.bars), log: app.log.child({ component: 'backtest-data' }) },
    seeding: seedFlag,
    notifier: app.publisher,
    redis: app.redis,
    prefix: config.redis.prefix,
    notifyQueue: app.jobs.queues.notify,
    scrub: app.scrub,
  };
  const backtests = startQueueWorker('backtests', backtestHandlers(backtestDeps), {
    ...shared,
    connection: backtestConn,
    // CPU-bound and long: one at a time per worker process; scale with more workers.
    concurrency: 1,
    onFinalFailure: backtestFailureHook({ ...backtestDeps, log }),
  });
  const executionConn = blocking();
  const trading = createTradingDeps(config, app.ds, log.child({ component: 'broker' }), { redis: app.redis, prefix: config.redis.prefix });
  // Korea's broker (KIS, or the KR paper book): its own lane for KR approvals, /close and reconciliation.
  const krTrading = createKrTrading(config, app.ds, log.child({ component: 'broker' }), { redis: app.redis, prefix: config.redis.prefix }, { calendarOverrides: sharedCalendarOverrides(app.uow) });
  const owedCancel = new OwedCancelRunner(
    {
      db: app.uow,
      // /kill cancels at every broker that can hold an open order, each with its own proof. The KR
      // paper book is left out: Courtside sends it IOC orders only (krLane), so nothing ever rests there.
      brokers: config.kr.broker === 'paper' ? [trading.broker] : [trading.broker, krTrading.broker],
      audit: app.audit,
      publisher: app.publisher,
      admins: () => adminChatIds(config.telegram.allowed),
      killSwitch: app.killSwitch,
    },
    log.child({ component: 'cancel-owed' }),
  );
  // The open queue judges the session with the configured hours (the exchange's, unless MARKET_HOURS says otherwise).
  const queueDeps = { ...executionQueueDeps(app, trading, owedCancel), kr: krLane(app, krTrading) };
  const execDeps = {
    ...queueDeps,
    // Entries (never exits) wait for a passing preflight with a live broker: read right before the order goes.
    execution: {
      ...queueDeps.execution,
      preflightGate: async () => {
        const block = await preflightBlock(app.uow, config.broker.kind);
        return block ? preflightBlockLine(block) : null;
      },
    },
    marketHours: marketHoursFor(config),
    dispatchQueuedClose: dispatchQueuedClose(app.jobs),
  };
  const executions = startQueueWorker('executions', executionHandlers(execDeps), {
    ...shared,
    hold: foreground,
    connection: executionConn,
    // Each run mostly waits on the broker, but holds a pooled Postgres connection for its advisory
    // lock and needs a second for its queries: stay well under the pool (10) so runs never starve it.
    concurrency: Math.min(config.worker.concurrency, EXECUTION_CONCURRENCY_MAX),
    onFinalFailure: async (job, err) => {
      await (job.name === 'execution.run' ? tellExecutionGaveUp(execDeps, job, err) : tellUserCommandFailed(app, job, err));
      await alertOnFailure(job, err);
    },
  });
  const hypothesesConn = blocking();
  const hypotheses = startQueueWorker(
    'hypotheses',
    hypothesesHandlers({
      store: hypothesisStore,
      universe: scanDataUniverse(app.scanData, { krAllowLeveraged: config.kr.allowLeveraged }),
      review: { books: hypothesisBooks, equity: hypothesisEquity },
      evaluator: evaluationPool,
      promote: { db: app.uow },
      jobs: app.jobs,
      redis: app.redis,
      prefix: config.redis.prefix,
      notifier: app.publisher,
      admins: () => adminChatIds(config.telegram.allowed),
    }),
    // One incubation per pool thread: the walk-forwards run there, not on this event loop.
    { ...shared, connection: hypothesesConn, concurrency: evaluationPool.threads, onFinalFailure: alertOnFailure },
  );
  for (const w of [executions, commands, scans]) {
    w.on('completed', (job) => {
      // Clearing a job-failure alert is best effort: the next completion tries again.
      if (ALERTING_JOBS.has(job.name)) void failureAlerts.onCompleted(job).catch((err: unknown) => app.log.debug({ err, job: job.name }, 'job-failure alert not cleared; the next completion retries'));
    });
  }
  const workers = [commands, notify, scans, backtests, executions, hypotheses];
  // Issue 20: the whole preflight at start-up with an Alpaca broker; recorded, a ✗ told to admins, and with
  // a live broker new entries wait for a passing run (the gate above). Never blocks the worker's start.
  if (preflightAtStartup(config.broker.kind)) void runStartupPreflight(app, `startup:worker:${app.instanceId}`);
  // The broker account's own flags (issue 19, item 6): logged; admins alerted while the broker blocks trading.
  void checkAccountFlagsAtStartup({ broker: trading.broker, alerts: app.alerts, log: log.child({ component: 'account-flags' }), scrub: app.scrub });
  // Reconcile at start-up: whatever happened while no worker ran (a crash mid-order) is booked or reported now.
  void app.jobs
    .add('execution.reconcile', { reason: 'startup' }, { jobId: `reconcile-start-${app.instanceId}` })
    .catch((err: unknown) => log.warn({ err }, 'start-up reconciliation not enqueued; the scheduled one will run'));
  // The cancel-all a kill owes is in Postgres: performed at start-up, when Redis returns (its proof
  // could not be sent meanwhile), on every reconciliation (its handler) and on a short poll.
  void owedCancel.run('startup');
  const onRedisReady = () => void owedCancel.run('redis-ready');
  app.redis.on('ready', onRedisReady);
  const owedPoll = setInterval(() => void owedCancel.run('poll'), CANCEL_OWED_POLL_MS);
  owedPoll.unref();
  // Picks that expired undecided are recorded once (audit `pick.expired`, read by the decision journal), on a timer.
  const sweepExpiredPicks = () =>
    void recordExpiredPicks(app.uow, app.audit, new Date()).catch((err: unknown) => log.warn({ err }, 'expired picks not recorded this time; the next sweep tries again'));
  sweepExpiredPicks();
  const expirySweep = setInterval(sweepExpiredPicks, PICK_EXPIRY_SWEEP_MS);
  expirySweep.unref();
  // Approvals (and exits) stuck after their attempt mark by a dead worker: settled from Postgres rows, at start-up and on a timer.
  const stuckRecovery = startStuckRecovery(execDeps, config.recovery, log.child({ component: 'stuck-recovery' }));
  const seeding = config.seedDefaultData ? seedDefaultDataInBackground(app) : Promise.resolve();
  // Orders queued for the open go at open + 1 min and expire at open + 30 min: the worker runs these two
  // slots itself (claimed in scheduled_runs, so several workers enqueue each once; jobId = slot + session date).
  // Also with SCHEDULE_ENABLED=false: a trader queued these orders, and nothing else would send or expire them.
  const enqueueOpenQueue = async (r: SlotRun): Promise<void> => void (await app.jobs.add('execution.open_queue', { sessionDate: r.sessionDate, slotKey: r.jobId }, { jobId: r.jobId }));
  const openQueue: Promise<Scheduler | null> = startScheduler({
    db: app.uow,
    name: 'open queue',
    slots: openQueueSlots().map((def) => ({ def, enqueue: enqueueOpenQueue })),
    // KRX's open + 1 and + 30 (KST), planned on KRX sessions and overrides: one job run sends each market's due rows on its own hours.
    markets: [{ market: 'KR', slots: openQueueSlots(10, REGULAR_HOURS.KR).map((def) => ({ def, enqueue: enqueueOpenQueue })) }],
    instance: app.instanceId,
    log: log.child({ role: 'worker', component: 'open-queue' }),
  }).catch((err: unknown) => {
    log.error({ err }, 'the open queue scheduler did not start: queued orders wait for the next worker start');
    return null;
  });
  return {
    workers,
    seeding,
    async stop() {
      clearInterval(owedPoll);
      clearInterval(expirySweep);
      await (await openQueue)?.stop();
      await stuckRecovery.stop();
      app.redis.off('ready', onRedisReady);
      // Running evaluations end as cancelled (their hypotheses stay INCUBATING and are evaluated next session).
      await evaluationPool.close();
      // close() waits for active jobs to finish (within a grace), so a job is not cut in half on SIGTERM.
      await Promise.all(workers.map((w) => (w === notify ? delivery.stop() : closeWorker(w, log))));
      // BullMQ does not close connections it was given.
      for (const c of [commandConn, backtestConn, executionConn, hypothesesConn]) c.disconnect();
    },
  };
}

import type { Server } from 'node:http';
import type { DestinationStream } from 'pino';
import { LOCAL_BOT_TOKEN, type Config } from './config/config.js';
import { startTelegramEmulator, type TelegramEmulator } from '../dev/telegram/index.js';
import { createHttpServer, listen } from './http/server.js';
import { Heartbeat } from '../trading/status/heartbeat.js';
import { RedisLivenessMarks } from '../adapters/redis/health.js';
import { collectStatus, type SystemStatus } from '../trading/status/status.js';
import { QUEUE_NAMES } from '../jobs/registry.js';
import { createContext, type AppContext } from './context.js';
import { startBotRole, type BotRole } from './roles/bot-role.js';
import { startSchedulerRole, watchedMarkets, watchedSlots } from './roles/scheduler-role.js';
import { startDeadman } from '../trading/alerts/deadman.js';
import { startWorkerRole } from './roles/worker-role.js';
import { startNotifyDelivery } from './roles/notify-delivery.js';
import { withTimeout } from '../lib/timeout.js';
import { WORKER_CLOSE_GRACE_MS } from '../jobs/close-worker.js';
import { pinConfiguration } from './config/pin-start.js';

/** The process roles; `npm start` runs all of them in one process. */
export const PROCESS_ROLES = ['bot', 'worker', 'scheduler'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

/** A role's stop gets its workers' grace and a little more (its own timers and connections). */
const ROLE_STOP_GRACE_MS = WORKER_CLOSE_GRACE_MS + 5_000;

/** The identity of the local-mode bot inside the emulator. */
export const LOCAL_BOT = { id: 100000001, username: 'courtside_local_bot', first_name: 'Courtside' };

export interface StartOptions {
  roles: readonly ProcessRole[];
  logDestination?: DestinationStream;
  /** Override HTTP port (0 = any free port), e.g. in tests. */
  httpPort?: number;
}

export interface RunningApp {
  app: AppContext;
  config: Config;
  httpPort: number;
  emulator: TelegramEmulator | null;
  bot: BotRole | null;
  stop(): Promise<void>;
}

/**
 * Starts the requested roles in this process. In local mode (no bot token)
 * the bot role also starts the Bot API emulator that the terminal chat and
 * `courtside chat` talk to.
 */
export async function startApp(initial: Config, opts: StartOptions): Promise<RunningApp> {
  let config = initial;
  let emulator: TelegramEmulator | null = null;
  if (config.local.enabled && opts.roles.includes('bot')) {
    try {
      // update ids continue across restarts (as on Telegram), so de-duplication never drops a new update.
      emulator = await startTelegramEmulator({ port: config.local.botApiPort, token: LOCAL_BOT_TOKEN, bot: LOCAL_BOT, firstUpdateId: Date.now() });
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE') {
        throw new Error(`Port ${config.local.botApiPort} is in use: is another local Courtside running? Stop it, or set LOCAL_BOT_API_PORT to a free port.`);
      }
      throw err;
    }
    // The local user is here (the terminal chat): their private chat exists from the start, as a Telegram chat does
    // once its user has opened the bot. Else a slot caught up at start-up (a scan, a digest) finds "chat not found".
    emulator.registerChat({ id: config.local.userId });
    config = { ...config, telegram: { ...config.telegram, apiRoot: emulator.url } };
  }
  let app: AppContext;
  try {
    app = await createContext(config, { ...(opts.logDestination ? { logDestination: opts.logDestination } : {}) });
  } catch (err) {
    // Postgres unreachable, say: the emulator's open port would keep the process alive after the error.
    await emulator?.close();
    throw err;
  }
  const log = app.log;
  // Before any role runs: the pin is what this process runs with until it stops (no hot reload).
  const configPin = await pinConfiguration(app, opts.roles);
  app.statusSources.configPin = configPin;
  const stops: (() => Promise<void>)[] = [];
  const beats = opts.roles.map(
    (role) => new Heartbeat(app.uow, new RedisLivenessMarks(app.redis, config.redis.prefix), role, app.instanceId, config.heartbeat.intervalMs, config.heartbeat.staleMs, log, configPin),
  );
  let bot: BotRole | null = null;
  let server: Server | null = null;
  let httpPort = -1;
  try {
    if (opts.roles.includes('worker')) {
      const w = startWorkerRole(app);
      stops.push(() => w.stop());
    }
    if (opts.roles.includes('scheduler')) {
      const s = await startSchedulerRole(app);
      stops.push(() => s.stop());
    }
    if (opts.roles.includes('bot') && !opts.roles.includes('worker')) {
      // Replies go through the outbox: a bot without a worker in its process delivers them itself.
      const d = startNotifyDelivery(app, 'bot');
      stops.push(() => d.stop());
    }
    if (opts.roles.includes('bot')) {
      bot = await startBotRole(app);
      // The bot stops first on shutdown: no new updates while workers drain.
      const b = bot;
      stops.unshift(() => b.stop());
    }
    beats.forEach((b) => b.start());
    // Every process watches for dead roles and missed slots; alerts are de-duplicated in Postgres, so several watchers send one message.
    const deadman = startDeadman({
      db: app.uow,
      alerts: app.alerts,
      slots: watchedSlots(config),
      // The KR slots the scheduler runs, judged on KRX sessions from the first KR record on (no alert for days before KR scheduling).
      markets: watchedMarkets(config),
      staleMs: config.heartbeat.staleMs,
      expectedRoles: config.schedule.deadman.expectedRoles,
      intervalMs: config.schedule.deadman.intervalMs,
      log: log.child({ component: 'deadman' }),
    });
    stops.push(async () => deadman.stop());
    server = createHttpServer(
      {
        readiness: async () => {
          // Readiness is about this process and its stores; the hypotheses' queue figures are /status's business.
          // The broker account is not read either: every probe would spend a request of the broker's budget.
          const { hypotheses: _hypotheses, brokerAccount: _brokerAccount, ...sources } = app.statusSources;
          const s = await collectStatus(sources);
          const mine = s.heartbeats.filter((h) => h.instance === app.instanceId);
          return {
            ready: s.db.ok && s.redis.ok,
            checks: { postgres: s.db, redis: s.redis, killSwitchEngaged: s.killSwitch.engaged, killSwitch: killSwitchDetail(s), alerts: s.alerts.map((a) => ({ key: a.key, severity: a.severity, detail: a.detail, since: a.firstAt })), heartbeats: s.heartbeats, staleRoles: s.heartbeats.filter((h) => h.stale).map((h) => h.role), roles: opts.roles, instance: app.instanceId, ownBeats: mine.length },
          };
        },
        metrics: () =>
          app.metrics.render([
            async () => {
              const depths = await app.jobs.depths();
              for (const q of QUEUE_NAMES) for (const [state, n] of Object.entries(depths[q])) app.metrics.queueDepth.labels(q, state).set(n);
            },
            async () => {
              app.metrics.killSwitch.set((await app.killSwitch.state()).engaged ? 1 : 0);
            },
          ]),
        ...(bot?.webhook ? { webhook: bot.webhook } : {}),
      },
      log,
      { host: config.http.host, adminToken: config.http.adminToken },
    );
    httpPort = await listen(server, opts.httpPort ?? config.http.port, config.http.host);
  } catch (err) {
    beats.forEach((b) => b.stop());
    // Start-up failed with `err`, the error reported; a role that also fails to stop is only told at debug.
    for (const s of stops) await s().catch((stopErr: unknown) => log.debug({ err: stopErr }, 'a role did not stop cleanly after a failed start'));
    await app.close();
    await emulator?.close();
    throw err;
  }
  log.info({ roles: opts.roles, httpPort, mode: app.mode, configPin: configPin?.slice(0, 12) ?? null, apiRoot: config.local.enabled ? config.telegram.apiRoot : undefined }, 'courtside started');

  let stopping: Promise<void> | null = null;
  return {
    app,
    config,
    httpPort,
    emulator,
    bot,
    stop() {
      stopping ??= (async () => {
        log.info('shutting down');
        beats.forEach((b) => b.stop());
        // Bounded per role, so one stuck part (a connection parked in "reconnecting") never hangs SIGTERM.
        for (const s of stops) await withTimeout(s(), ROLE_STOP_GRACE_MS, 'stopping a role').catch((err: unknown) => log.error({ err }, 'error while stopping a role'));
        await Promise.all(beats.map((b) => b.retire()));
        await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
        server?.closeAllConnections();
        await app.close();
        await emulator?.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}

/**
 * The kill switch as /readyz details it (behind the admin token): the epoch,
 * who changed it last and when, and every owed cancel-all (null: unreadable).
 */
function killSwitchDetail(s: SystemStatus): Record<string, unknown> {
  const k = s.killSwitch;
  return {
    engaged: k.engaged,
    epoch: k.epoch,
    reason: k.reason,
    changedBy: k.changedBy,
    changedAt: k.changedAt?.toISOString() ?? null,
    cancelOwed: s.cancelOwed?.map((o) => ({ epoch: o.epoch, since: o.since.toISOString(), requestedBy: o.requestedBy, attempts: o.attempts, lastError: o.lastError })) ?? null,
  };
}

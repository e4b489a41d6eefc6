/**
 * The preflight's ports over the app's services (issue 20, item 1): Postgres
 * through the app's DataSource, Redis through its fail-fast connection, the
 * Bot API over plain HTTP, the bars store's `bar_symbols`. Each waits for the
 * service's connection only as long as the check's own timeout lets it.
 */
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { pendingMigrations, serverNow, serverVersion } from '../adapters/db/server-facts.js';
import type { DebugLog } from '../adapters/db/sql.js';
import { pgBool, pgInt, pgText } from '../lib/sql-columns.js';
import { parseRows } from '../lib/sql-rows.js';
import { DEFAULT_CHECK_TIMEOUT_MS, PreflightBlocked, type PreflightCheck } from '../trading/preflight/types.js';
import { POSTGRES_DOWN_FIX } from '../trading/preflight/checks/postgres.js';
import type { BarsProbe, BotApiAnswer, DatasetRow, KillSwitchProbe, PostgresProbe, RedisProbe, TelegramProbe } from '../trading/preflight/checks/ports.js';
import type { KillSwitch } from '../trading/kill-switch/kill-switch.js';

/** How long after a check's timeout its HTTP request is aborted. */
const ABORT_AFTER_CHECK_MS = 250;

/** host:port/database of a connection URL, never its user or password. */
export function whereOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol.startsWith('redis') ? '6379' : '5432')}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Postgres through `ds`. `ready` settles when the DataSource's first
 * connection has been tried (a running role: already); a failure there is
 * the reachability check's error and blocks every check that needs Postgres.
 */
export function postgresProbe(ds: DataSource, url: string, ready: Promise<unknown> = Promise.resolve()): PostgresProbe {
  const where = whereOf(url);
  const up = async () => {
    try {
      await ready;
    } catch (err) {
      throw new PreflightBlocked(`not checked: Postgres at ${where} is not reachable (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, POSTGRES_DOWN_FIX);
    }
  };
  return {
    where,
    async ping() {
      await ready;
      return `PostgreSQL ${(await serverVersion(ds)) ?? '?'}`;
    },
    async pendingMigrations() {
      await up();
      // No migrations table at all: every migration is pending.
      return pendingMigrations(ds);
    },
    async serverNow() {
      await up();
      return serverNow(ds);
    },
  };
}

/**
 * Resolves when `redis` is ready, rejects on its next connection error: a
 * connection the CLI has just opened gets the check's timeout to come up
 * (the fail-fast connection has no offline queue, so a command sent before
 * that would fail at once).
 */
export function redisReady(redis: Redis, where: string): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onReady = () => {
      redis.off('error', onError);
      resolve();
    };
    const onError = (err: Error) => {
      redis.off('ready', onReady);
      reject(new Error(`${where}: ${err.message || (err as NodeJS.ErrnoException).code || 'connection failed'}`));
    };
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}

/** `CONFIG GET name`: `[name, value]`, or `[]` when the server does not know the setting. */
const ConfigGetReply = z.array(z.string());

/** Redis through the app's fail-fast connection (no offline queue: a down server errors at once). */
export function redisProbe(redis: Redis, url: string): RedisProbe {
  const where = whereOf(url);
  const ready = () => redisReady(redis, where);
  return {
    where,
    async ping() {
      await ready();
      await redis.ping();
    },
    async persistence() {
      await ready();
      const aof = ConfigGetReply.parse(await redis.config('GET', 'appendonly'));
      const save = ConfigGetReply.parse(await redis.config('GET', 'save'));
      return { appendonly: aof[1] ?? 'no', save: save[1] ?? '' };
    },
  };
}

/**
 * The Bot API over HTTP: the token goes only into the request path (the
 * runner scrubs any text it returns). Each request is aborted after
 * `timeoutMs` so a server that never answers leaves no socket open behind
 * the check's own timeout (the command could not exit). The abort comes just
 * after the check's timeout, so the check reports the time it waited.
 */
export function telegramProbe(apiRoot: string, token: string, timeoutMs: number = DEFAULT_CHECK_TIMEOUT_MS + ABORT_AFTER_CHECK_MS): TelegramProbe {
  const call = async <T>(method: string): Promise<BotApiAnswer<T>> => {
    const res = await fetch(`${apiRoot}/bot${token}/${method}`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.json().catch(() => ({}))) as { ok?: boolean; result?: T; description?: string; error_code?: number };
    if (body.ok && body.result !== undefined) return { ok: true, result: body.result };
    return { ok: false, status: body.error_code ?? res.status, description: body.description ?? res.statusText };
  };
  return { getMe: () => call('getMe'), getWebhookInfo: () => call('getWebhookInfo') };
}

const DatasetRowSchema = z.object({ source: pgText, demo: pgBool, symbols: pgInt, last_date: pgText });

/** Each source of the bars store, its size and newest bar. */
export function barsProbe(ds: DataSource, ready: Promise<unknown>, where: string): BarsProbe {
  return {
    async datasets(): Promise<DatasetRow[]> {
      try {
        await ready;
      } catch (err) {
        throw new PreflightBlocked(`not checked: Postgres at ${where} is not reachable (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, POSTGRES_DOWN_FIX);
      }
      const q = ds
        .createQueryBuilder()
        .select('s.source', 'source')
        .addSelect('bool_or(s.demo)', 'demo')
        .addSelect('count(*)::int', 'symbols')
        .addSelect(`to_char(max(s.last_date), 'YYYY-MM-DD')`, 'last_date')
        .from('bar_symbols', 's')
        // The US preflight's datasets: KR bars are checked against KRX by `data check --market kr`.
        .where("s.market = 'US'")
        .groupBy('s.source')
        .orderBy('s.source');
      const rows = parseRows(DatasetRowSchema, await q.getRawMany(), q.getQuery());
      return rows.map((r) => ({ source: r.source, demo: r.demo, symbols: r.symbols, lastDate: r.last_date }));
    },
  };
}

/**
 * The kill switch as every process reads it (Postgres and the Redis mirror),
 * once both connections had their chance to come up: a mirror read before
 * Redis is connected would count as unreadable.
 */
export function killSwitchProbe(ks: KillSwitch, ready: Promise<unknown>, where: string, redisUp: () => Promise<void>, log?: DebugLog): KillSwitchProbe {
  return {
    async state() {
      try {
        await ready;
      } catch {
        throw new PreflightBlocked(`not checked: Postgres at ${where} is not reachable (the switch counts as ON: trading fails closed)`, POSTGRES_DOWN_FIX);
      }
      // Redis down: the read below says so (unreachable), which is what the check reports.
      await redisUp().catch((err: unknown) => log?.debug({ err }, 'Redis not up for the kill switch read; the mirror read reports it unreachable'));
      return ks.state();
    },
  };
}

/**
 * `check` run only once Postgres' first connection was tried: before that its
 * reads would fail on an unconnected driver, and with Postgres down it is
 * "not checked", pointing at the Postgres check's fix.
 */
export function afterPostgres(check: PreflightCheck, ready: Promise<unknown>, where: string): PreflightCheck {
  return {
    ...check,
    run: async () => {
      try {
        await ready;
      } catch (err) {
        throw new PreflightBlocked(`not checked: Postgres at ${where} is not reachable (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, POSTGRES_DOWN_FIX);
      }
      return check.run();
    },
  };
}

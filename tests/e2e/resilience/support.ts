/** Shared helpers of the resilience e2e tests (not a test file itself). */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import type { OutboxEvent } from '../../../src/dev/telegram/outbox.js';
import type { TelegramEmulator } from '../../../src/dev/telegram/index.js';
import { QUEUE_NAMES, type QueueName } from '../../../src/jobs/registry.js';
import { cliCommand } from '../../helpers/cli.js';
import { TEST_TOKEN, textOf } from '../../helpers/harness.js';

export { textOf };

/** The allow-listed admin of 'token' mode harnesses (TELEGRAM_ALLOWED_USER_IDS=1:admin); chat id = user id. */
export const USER = 1;

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A /status answer (as opposed to "Queue unavailable" or another refusal). */
export function isStatusReply(e: OutboxEvent): boolean {
  const t = textOf(e);
  return /Kill switch: (off|ON)/.test(t) && t.includes('Postgres:') && t.includes('Redis:');
}

/** The user's message; returns its update_id and the outbox cursor from before it was sent. */
export function userSays(em: TelegramEmulator, text: string): { updateId: number; messageId: number; afterSeq: number; sentAt: number } {
  const afterSeq = em.lastSeq;
  const sentAt = Date.now();
  const { update_id, message_id } = em.sendUserMessage({ userId: USER, text, firstName: `User${USER}` });
  return { updateId: update_id, messageId: message_id, afterSeq, sentAt };
}

/** The next sendMessage to the user after `afterSeq` (optionally matching `pred`). */
export function nextReply(em: TelegramEmulator, afterSeq: number, timeoutMs: number, pred: (e: OutboxEvent) => boolean = () => true): Promise<OutboxEvent> {
  return em.waitFor((e) => e.method === 'sendMessage' && e.chat_id === USER && pred(e), timeoutMs, { afterSeq });
}

/** Every sendMessage to the user after `afterSeq` that is already recorded. */
export async function repliesAfter(em: TelegramEmulator, afterSeq: number): Promise<OutboxEvent[]> {
  const evs = await em.events({ chatId: USER, afterSeq, limit: 10_000 });
  return evs.filter((e) => e.method === 'sendMessage');
}

/**
 * Polls `probe` until it returns a value that is not undefined; throws with `what` (and `extra()`,
 * e.g. a worker's output) on timeout.
 */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 100,
  extra: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() >= deadline) {
      const more = extra();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? ` (last error: ${String(lastErr)})` : ''}${more ? `\n${more}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** GET on the app's HTTP server. */
export function httpGet(port: number, path: string, timeoutMs = 3_000, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: timeoutMs, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** HTTP_ADMIN_TOKEN of the resilience harnesses: unlocks the full /readyz detail. */
export const ADMIN_TOKEN = 'resilience-admin-token-0123456789';

/**
 * The full /readyz once it answers `status`. Readiness comes from a snapshot refreshed
 * every 2 s in the background, so a change shows within a refresh period plus a probe.
 */
export function readyzWhen(port: number, status: number, timeoutMs = 8_000): Promise<{ status: number; body: string }> {
  return pollUntil(
    `/readyz ${status}`,
    async () => {
      const r = await httpGet(port, '/readyz', 3_000, { authorization: `Bearer ${ADMIN_TOKEN}` });
      return r.status === status ? r : undefined;
    },
    timeoutMs,
    200,
  );
}

/** Read-only BullMQ view of a test's queues (its own connection, same prefix as the app). */
export interface QueueProbe {
  queues: Record<QueueName, Queue>;
  redis: Redis;
  counts(q: QueueName): Promise<Record<string, number>>;
  state(q: QueueName, jobId: string): Promise<string>;
  close(): Promise<void>;
}

export function probeQueues(redisUrl: string, prefix: string): QueueProbe {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined);
  const queues = Object.fromEntries(QUEUE_NAMES.map((q) => [q, new Queue(q, { connection: redis, prefix })])) as Record<QueueName, Queue>;
  return {
    queues,
    redis,
    counts: (q) => queues[q].getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed', 'waiting-children', 'paused'),
    state: (q, jobId) => queues[q].getJobState(jobId),
    async close() {
      await Promise.all(Object.values(queues).map((x) => x.close().catch(() => undefined)));
      redis.disconnect();
    },
  };
}

/** Counts that must be zero once everything has settled. */
export const IN_FLIGHT_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'waiting-children', 'paused'] as const;

/** Audit rows `command.received` for one Telegram update. */
export async function auditedCommands(ds: DataSource, updateId: number): Promise<number> {
  const rows = (await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'command.received' AND (payload->>'updateId')::bigint = $1`, [updateId])) as { n: number }[];
  return rows[0]?.n ?? 0;
}

// ---------------------------------------------------------------------------------------------
// Separate worker processes (`courtside start --role worker`)

export interface WorkerProcess {
  proc: ChildProcess;
  pid: number;
  /** Last few KB of the process's stdout/stderr (warn-level logs), for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly alive: boolean;
  /** Sends a signal and waits for the process to exit (SIGKILL after `graceMs`). */
  kill(signal: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface WorkerEnv {
  dbUrl: string;
  redisUrl: string;
  prefix: string;
  apiRoot: string;
  /** TELEGRAM_ALLOWED_USER_IDS; default the test user as admin. */
  allowed?: string;
  /** More variables (BROKER, APCA_*, EXEC_*, WORKER_CONCURRENCY …), applied last. */
  env?: Record<string, string>;
}

/** Worker processes still running, killed if this test process exits without cleaning up. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of liveChildren) c.kill('SIGKILL');
});

/**
 * Spawns the compiled `courtside start --role worker` (dist/src/cli/main.js, made current by the global
 * setup) with a minimal, explicit environment.
 */
export function spawnWorker(e: WorkerEnv): WorkerProcess {
  const proc = spawn(...cliCommand('start', '--role', 'worker'), {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      TZ: 'UTC',
      DATABASE_URL: e.dbUrl,
      REDIS_URL: e.redisUrl,
      REDIS_PREFIX: e.prefix,
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_API_ROOT: e.apiRoot,
      TELEGRAM_ALLOWED_USER_IDS: e.allowed ?? `${USER}:admin`,
      // warn: quiet, but the failure message can show why a worker misbehaved.
      LOG_LEVEL: 'warn',
      SEED_DEFAULT_DATA: 'false',
      HTTP_PORT: '0',
      HEARTBEAT_INTERVAL_MS: '1000',
      NOTIFY_CHAT_BURST: '1000',
      NOTIFY_CHAT_PER_SEC: '1000',
      COURTSIDE_HOME: '/tmp/courtside-test-home',
      SCHEDULE_ENABLED: 'false',
      MARKET_HOURS: 'always',
      ...e.env,
    },
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-8000));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let alive = true;
  liveChildren.add(proc);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.once('exit', (code, signal) => {
      alive = false;
      liveChildren.delete(proc);
      r({ code, signal });
    }),
  );
  proc.once('error', (err) => keep(Buffer.from(`spawn error: ${String(err)}\n`)));
  return {
    proc,
    pid: proc.pid ?? -1,
    output: () => out,
    exited,
    get alive() {
      return alive;
    },
    async kill(signal, graceMs = 10_000) {
      if (!alive) return exited;
      proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}

/** Waits until the worker process has started its role: its heartbeat row (pid) is in the database. */
export async function workerReady(w: WorkerProcess, ds: DataSource, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!w.alive) throw new Error(`worker pid ${w.pid} exited during start-up:\n${w.output()}`);
    const rows = (await ds.query(`SELECT 1 FROM heartbeats WHERE role = 'worker' AND pid = $1`, [w.pid])) as unknown[];
    if (rows.length > 0) return;
    if (Date.now() >= deadline) throw new Error(`worker pid ${w.pid} did not start within ${timeoutMs} ms\nworker output:\n${w.output()}`);
    await sleep(100);
  }
}

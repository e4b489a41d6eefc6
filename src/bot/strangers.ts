/**
 * Strangers: Telegram users not on the allow-list.
 *
 * - Each hears the polite refusal (with their user ID) once per hour, however
 *   often they write or tap: the mark lives in Redis, so a restart does not
 *   answer them again, and a flood is never amplified into a flood of replies.
 * - Every attempt is audited, as one audit-log row per stranger per minute
 *   with the count of attempts in it. An attempt costs one Redis round trip
 *   (a counter in the minute's hash); the rows are written when the minute is
 *   over, by whichever bot process flushes first (the counters survive a
 *   restart in Redis, and the flush takes a lock, so a minute is written once).
 * - With Redis down an attempt is audited straight away, as its own row
 *   (count 1), and no reply is sent.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AuditLog } from '../trading/audit/audit-log.js';

/** How long a stranger goes unanswered after one refusal. */
export const STRANGER_REPLY_EVERY_S = 3_600;
/** How long after a minute ends its counters are flushed (late updates of that minute still land in it). */
const FLUSH_GRACE_MS = 5_000;
/** Counters of a minute nobody flushed (every bot down for days) expire rather than pile up. */
const COUNTER_TTL_S = 7 * 24 * 3_600;
const FLUSH_LOCK_MS = 30_000;
const MINUTE_MS = 60_000;

/** One attempt by a stranger, as the middleware saw it. */
export interface StrangerAttempt {
  userId: number;
  username: string | null;
  chatId: number | null;
  kind: 'message' | 'callback';
  /** The message text (first 200 characters), null for a button. */
  text: string | null;
  updateId: number;
}

/** What the first attempt of a minute leaves for that minute's audit row. */
interface FirstAttempt {
  username: string | null;
  chatId: number | null;
  kind: StrangerAttempt['kind'];
  text: string | null;
  updateId: number;
}

export interface StrangerLogDeps {
  redis: Redis;
  /** The deployment's Redis key prefix. */
  prefix: string;
  audit: Pick<AuditLog, 'append'>;
  log: Logger;
  now: () => number;
  /** Names this process in the flush lock. */
  instance?: string;
}

/** Counts strangers' attempts in Redis and writes them to the audit log a minute at a time. */
export class StrangerLog {
  private readonly key: (...parts: (string | number)[]) => string;

  constructor(private readonly deps: StrangerLogDeps) {
    this.key = (...parts) => [deps.prefix, 'tg', 'strangers', ...parts].join(':');
  }

  /**
   * Counts one attempt. Resolves `reply: true` when the stranger should hear
   * the refusal (their first attempt this hour).
   */
  async record(a: StrangerAttempt): Promise<{ reply: boolean }> {
    const minute = Math.floor(this.deps.now() / MINUTE_MS);
    const first: FirstAttempt = { username: a.username, chatId: a.chatId, kind: a.kind, text: a.text, updateId: a.updateId };
    const live = this.key('m', minute);
    try {
      const results = await this.deps.redis
        .multi()
        .hincrby(live, String(a.userId), 1)
        .hsetnx(live, `${a.userId}:first`, JSON.stringify(first))
        .expire(live, COUNTER_TTL_S)
        .zadd(this.key('pending'), minute, String(minute))
        .set(this.key('replied', a.userId), '1', 'EX', STRANGER_REPLY_EVERY_S, 'NX')
        .exec();
      if (!results || results.some(([err]) => err)) throw new Error('the stranger counters were not updated');
      return { reply: results[4]?.[1] === 'OK' };
    } catch (err) {
      // Redis is down: audit this attempt on its own, and stay quiet (a flood must not become replies).
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'stranger counters unavailable: auditing the attempt directly');
      await this.deps.audit
        .append({ action: 'auth.denied', actor: a.userId, ...first, minute: new Date(minute * MINUTE_MS).toISOString(), count: 1 })
        .catch((e: unknown) => this.deps.log.error({ err: e }, 'could not audit a denied attempt'));
      return { reply: false };
    }
  }

  /**
   * Writes one audit row per stranger for every minute that ended (with a few
   * seconds' grace) before `now`; returns how many rows it wrote. Another
   * process flushing at the same moment makes this one a no-op.
   */
  async flush(now: number = this.deps.now()): Promise<number> {
    const { redis } = this.deps;
    const lockKey = this.key('flush-lock');
    const owner = this.deps.instance ?? `pid-${process.pid}`;
    if ((await redis.set(lockKey, owner, 'PX', FLUSH_LOCK_MS, 'NX')) !== 'OK') return 0;
    let written = 0;
    try {
      const lastDue = Math.floor((now - FLUSH_GRACE_MS) / MINUTE_MS) - 1;
      const due = await redis.zrangebyscore(this.key('pending'), '-inf', lastDue);
      for (const m of due) written += await this.flushMinute(Number(m));
    } finally {
      if ((await redis.get(lockKey)) === owner) await redis.del(lockKey);
    }
    return written;
  }

  /** Runs `flush` every `intervalMs` (and once now, for minutes left over from before a restart); returns the stop function. */
  startFlushing(intervalMs: number): () => void {
    const run = () => void this.flush().catch((err: unknown) => this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not flush the stranger counters yet'));
    run();
    const timer = setInterval(run, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async flushMinute(minute: number): Promise<number> {
    const { redis } = this.deps;
    const live = this.key('m', minute);
    const claimed = this.key('claimed', minute);
    // Take the minute's counters out of the way of late increments. A claimed hash already there is
    // a flush that stopped half-way: finish it first; the live one is taken on the next flush.
    if (await redis.exists(live)) await redis.renamenx(live, claimed);
    const fields = await redis.hgetall(claimed);
    const ids = Object.keys(fields)
      .filter((f) => !f.includes(':'))
      .sort((a, b) => Number(a) - Number(b));
    let written = 0;
    for (const id of ids) {
      const first = parseFirst(fields[`${id}:first`]);
      await this.deps.audit.append({
        action: 'auth.denied',
        actor: Number(id),
        ...first,
        minute: new Date(minute * MINUTE_MS).toISOString(),
        count: Number(fields[id]),
      });
      written += 1;
      // Removed once written: a crash between the two writes this row again on the next flush, never loses it.
      await redis.hdel(claimed, id, `${id}:first`);
    }
    await redis.del(claimed);
    // A late attempt of this minute re-created its counters after the claim: leave it pending for the next flush.
    if (!(await redis.exists(live))) await redis.zrem(this.key('pending'), String(minute));
    return written;
  }
}

function parseFirst(raw: string | undefined): FirstAttempt | Record<string, never> {
  if (!raw) return {};
  try {
    return JSON.parse(raw) as FirstAttempt;
  } catch {
    return {};
  }
}

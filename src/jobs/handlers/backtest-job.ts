/*
 * The plumbing around one `backtest.run` job that the /backtest command (in
 * the bot) and the job's handler share: the in-flight marker that lets an
 * identical request join the running job, the subscribers waiting on it, and
 * the cancel flag. (Payload schema: src/jobs/payloads/backtest.ts; job
 * options: src/jobs/job-options.ts.)
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BacktestJobPayload } from '../payloads/backtest.js';
import type { JobProducer } from '../producer.js';

/** How long Cancel buttons, in-flight markers and cancel flags live. */
export const BACKTEST_TTL_SECONDS = 6 * 3600;

/** Redis keys of one request (by its short key) and of one job. */
export function backtestKeys(prefix: string, key: string) {
  return {
    /** `<jobId>|<owner JSON>` while a job for this request is queued or running. */
    inflight: `${prefix}:backtest:inflight:${key}`,
    /** List of JSON {@link Subscriber}: chats that joined the in-flight job. */
    subs: `${prefix}:backtest:subs:${key}`,
    /** Counter: generation of job ids for this request. */
    gen: `${prefix}:backtest:gen:${key}`,
  };
}

/** The cancel flag of one job: set by the Cancel button, polled by the handler between chunks. */
export function cancelFlagKey(prefix: string, jobId: string): string {
  return `${prefix}:backtest:cancel:${jobId}`;
}

/** Who is waiting for a backtest: a chat and the ack message to edit. */
export interface Subscriber {
  chatId: number;
  messageId: number;
  userId: number;
  /** When they asked (ms since epoch); lets a joiner tell a stale marker from one whose job is being enqueued. */
  at?: number;
}

/** The in-flight marker: the job and the chat that started it. */
export interface InflightOwner extends Subscriber {
  jobId: string;
}

// The in-flight marker is "<jobId>|<owner subscriber JSON>" (no JSON re-encoding in
// Lua: cjson would round large chat ids).

// Atomically: join the in-flight job (append the subscriber) or become its owner
// (bump the generation, claim the marker). Returns {1, jobId} for an owner and
// {0, marker} for a joiner.
const JOIN_OR_OWN = `
local cur = redis.call('GET', KEYS[1])
if cur then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
  return {0, cur}
end
local g = redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], 30 * 86400)
local jobId = ARGV[3] .. '-' .. g
redis.call('SET', KEYS[1], jobId .. '|' .. ARGV[1], 'EX', tonumber(ARGV[2]))
redis.call('DEL', KEYS[2])
return {1, jobId}
`;

// Atomically: if the marker belongs to job ARGV[1], drop it and the subscriber
// list and return the subscribers; otherwise return nothing.
const FINISH = `
local cur = redis.call('GET', KEYS[1])
if not cur then return {} end
if string.sub(cur, 1, string.len(ARGV[1]) + 1) ~= ARGV[1] .. '|' then return {} end
local subs = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2])
return subs
`;

function parseMarker(raw: string): InflightOwner {
  const bar = raw.indexOf('|');
  return { ...(JSON.parse(raw.slice(bar + 1)) as Subscriber), jobId: raw.slice(0, bar) };
}

/** The job id prefix of a request: `bt-<key>`; each job adds `-<generation>`. */
export function jobIdBase(key: string): string {
  return `bt-${key}`;
}

/** The request key of a backtest job id (`bt-<key>-<n>`), or null. */
export function keyOfJobId(jobId: string): string | null {
  return /^bt-([0-9a-f]{20})-\d+$/.exec(jobId)?.[1] ?? null;
}

export type JoinOrOwn = { role: 'owner'; jobId: string } | { role: 'joiner'; owner: InflightOwner };

/** Joins the in-flight job of `key` or claims a new job id for it, atomically. */
export async function joinOrOwn(redis: Pick<Redis, 'eval'>, prefix: string, key: string, me: Subscriber): Promise<JoinOrOwn> {
  const k = backtestKeys(prefix, key);
  const res = (await redis.eval(JOIN_OR_OWN, 3, k.inflight, k.subs, k.gen, JSON.stringify(me), String(BACKTEST_TTL_SECONDS), jobIdBase(key))) as [number, string];
  if (res[0] === 1) return { role: 'owner', jobId: res[1] };
  return { role: 'joiner', owner: parseMarker(res[1]) };
}

/** Ends the in-flight marker of `jobId` and returns who joined it (empty when the marker is not this job's). */
export async function finishInflight(redis: Pick<Redis, 'eval'>, prefix: string, key: string, jobId: string): Promise<Subscriber[]> {
  const k = backtestKeys(prefix, key);
  const raw = (await redis.eval(FINISH, 2, k.inflight, k.subs, jobId)) as string[];
  return raw.map((s) => JSON.parse(s) as Subscriber);
}

/** Drops the in-flight marker of `key` if it still names `jobId` (e.g. its job could not be enqueued or died); returns who had joined. */
export async function clearInflightIf(redis: Pick<Redis, 'eval'>, prefix: string, key: string, jobId: string): Promise<Subscriber[]> {
  return finishInflight(redis, prefix, key, jobId);
}

/** The current in-flight marker and joiners of `key`. */
export async function inflightOf(redis: Pick<Redis, 'get' | 'lrange'>, prefix: string, key: string): Promise<{ owner: InflightOwner; subs: Subscriber[] } | null> {
  const k = backtestKeys(prefix, key);
  const [cur, subs] = await Promise.all([redis.get(k.inflight), redis.lrange(k.subs, 0, -1)]);
  if (!cur) return null;
  return { owner: parseMarker(cur), subs: subs.map((s) => JSON.parse(s) as Subscriber) };
}

/** The `backtests` queue of a producer. */
export function backtestQueue(jobs: Pick<JobProducer, 'queues'>): Queue {
  return jobs.queues.backtests;
}

/** Enqueues `backtest.run` through the producer (validation, the queue's job options, fail-fast timeout, QueueUnavailableError). */
export async function enqueueBacktest(jobs: Pick<JobProducer, 'add'>, payload: BacktestJobPayload, jobId: string): Promise<string> {
  return jobs.add('backtest.run', payload, { jobId });
}

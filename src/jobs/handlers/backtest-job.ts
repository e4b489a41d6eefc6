/*
 * The plumbing around one `backtest.run` job that the /backtest command (in
 * the bot) and the job's handler share: the in-flight marker that lets an
 * identical request join the running job, the subscribers waiting on it, and
 * the cancel flag. (Payload schema: src/jobs/payloads/backtest.ts; job
 * options: src/jobs/job-options.ts.)
 *
 * Which job runs a request is BullMQ's to say (its `deduplication` option,
 * one id per request): however the marker fares (expired, flushed, judged
 * stale), an identical request never starts a second job while one runs.
 * The marker and its subscriber list are the joiner half: every chat that
 * asked gets the job's progress edits and its result.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
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

// Atomically: if the marker names job ARGV[1] (or is gone), make it name job ARGV[2]
// with owner ARGV[3] (keeping the subscribers, who wait on whichever job runs the
// request) and append ARGV[4]; otherwise (someone else re-pointed it) just append.
const REPOINT = `
local cur = redis.call('GET', KEYS[1])
if (not cur) or string.sub(cur, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '|' then
  if cur == false then redis.call('DEL', KEYS[2]) end
  redis.call('SET', KEYS[1], ARGV[2] .. '|' .. ARGV[3], 'EX', tonumber(ARGV[5]))
end
redis.call('RPUSH', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[5]))
return 1
`;

/** A subscriber as stored (JSON written by this module). */
const SubscriberSchema = z.object({ chatId: z.number(), messageId: z.number(), userId: z.number(), at: z.number().optional() });
/** What JOIN_OR_OWN answers: {1, jobId} for an owner, {0, marker} for a joiner. */
const JoinOrOwnReply = z.tuple([z.union([z.literal(0), z.literal(1)]), z.string()]);
/** What FINISH answers: the subscribers' JSON. */
const FinishReply = z.array(z.string());

function parseSubscriber(raw: string): Subscriber {
  return SubscriberSchema.parse(JSON.parse(raw));
}

function parseMarker(raw: string): InflightOwner {
  const bar = raw.indexOf('|');
  return { ...parseSubscriber(raw.slice(bar + 1)), jobId: raw.slice(0, bar) };
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
  const res = JoinOrOwnReply.parse(await redis.eval(JOIN_OR_OWN, 3, k.inflight, k.subs, k.gen, JSON.stringify(me), String(BACKTEST_TTL_SECONDS), jobIdBase(key)));
  if (res[0] === 1) return { role: 'owner', jobId: res[1] };
  return { role: 'joiner', owner: parseMarker(res[1]) };
}

/** Ends the in-flight marker of `jobId` and returns who joined it (empty when the marker is not this job's). */
export async function finishInflight(redis: Pick<Redis, 'eval'>, prefix: string, key: string, jobId: string): Promise<Subscriber[]> {
  const k = backtestKeys(prefix, key);
  return FinishReply.parse(await redis.eval(FINISH, 2, k.inflight, k.subs, jobId)).map(parseSubscriber);
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
  return { owner: parseMarker(cur), subs: subs.map(parseSubscriber) };
}

/** The subscribers (JSON) of `key`'s joiner list, parsed. */
export function parseSubscribers(raw: readonly string[]): Subscriber[] {
  return raw.map(parseSubscriber);
}

/** The `backtests` queue of a producer. */
export function backtestQueue(jobs: Pick<JobProducer, 'queues'>): Queue {
  return jobs.queues.backtests;
}

/** BullMQ's deduplication id of a request: while a job with it is queued or running, adding another returns that job's id. */
export function backtestDedupId(key: string): string {
  return jobIdBase(key);
}

/**
 * Enqueues `backtest.run` through the producer (validation, the queue's job
 * options, fail-fast timeout, QueueUnavailableError), deduplicated by request:
 * returns the id of the job that runs it — `jobId`, or the live identical one's.
 */
export async function enqueueBacktest(jobs: Pick<JobProducer, 'add'>, payload: BacktestJobPayload, jobId: string, key: string): Promise<string> {
  return jobs.add('backtest.run', payload, { jobId, deduplication: { id: backtestDedupId(key) } });
}

/** A marker whose job BullMQ does not name is stale after this long (the owner enqueues within milliseconds). */
export const STALE_MARKER_MS = 30_000;

export interface StartBacktestDeps {
  jobs: Pick<JobProducer, 'add' | 'queues'>;
  redis: Pick<Redis, 'eval'>;
  prefix: string;
  now(): number;
  log?: { warn(obj: object, msg: string): void; debug?(obj: object, msg: string): void };
}

export type BacktestStart = { role: 'owner' | 'joiner'; jobId: string };

/**
 * One /backtest request: joins the job that runs an identical request (its
 * chat then gets the same progress and result) or enqueues one. BullMQ's
 * deduplication id decides which job that is; the in-flight marker only
 * lists who waits on it. A marker BullMQ disagrees with (its job gone, or
 * the marker lost while the job runs) is replaced, never trusted.
 */
export async function startOrJoinBacktest(deps: StartBacktestDeps, key: string, payload: BacktestJobPayload, me: Subscriber): Promise<BacktestStart> {
  const queue = backtestQueue(deps.jobs);
  for (let round = 0; ; round++) {
    const decision = await joinOrOwn(deps.redis, deps.prefix, key, me);
    if (decision.role === 'joiner') {
      const owner = decision.owner;
      const live = await queue.getDeduplicationJobId(backtestDedupId(key));
      // The owner claims the marker a moment before it enqueues: a young marker with no job yet is being enqueued.
      const enqueuing = live === null && deps.now() - (owner.at ?? 0) <= STALE_MARKER_MS;
      if (live === owner.jobId || enqueuing || round > 0) return { role: 'joiner', jobId: owner.jobId };
      // BullMQ runs another job for this request, or none: drop the marker (with us on it) and ask again.
      deps.log?.warn({ jobId: owner.jobId, live }, 'stale backtest marker: BullMQ does not run its job; asking again');
      await clearInflightIf(deps.redis, deps.prefix, key, owner.jobId);
      continue;
    }
    let jobId: string;
    try {
      jobId = await enqueueBacktest(deps.jobs, payload, decision.jobId, key);
    } catch (err) {
      // The enqueue's error is the one to tell; a marker left behind is replaced by the next request (no live job names it).
      await clearInflightIf(deps.redis, deps.prefix, key, decision.jobId).catch((e: unknown) => deps.log?.debug?.({ err: e }, 'in-flight marker not cleared after a failed enqueue; the next request replaces it'));
      throw err;
    }
    if (jobId === decision.jobId) return { role: 'owner', jobId };
    // An identical job was already running without a marker: its chat owns the marker again, we join it.
    const job = await queue.getJob(jobId);
    const data = job ? SubscriberOfPayload.safeParse(job.data) : null;
    const owner: Subscriber = data?.success ? { chatId: data.data.chatId, messageId: data.data.ackMessageId ?? 0, userId: data.data.userId } : me;
    const k = backtestKeys(deps.prefix, key);
    await deps.redis.eval(REPOINT, 2, k.inflight, k.subs, decision.jobId, jobId, JSON.stringify(owner), JSON.stringify(me), String(BACKTEST_TTL_SECONDS));
    return { role: 'joiner', jobId };
  }
}

/** The requester of a queued `backtest.run` (its payload's chat and ack message). */
const SubscriberOfPayload = z.object({ chatId: z.number(), userId: z.number(), ackMessageId: z.number().optional() });

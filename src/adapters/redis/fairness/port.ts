/**
 * Per-user fairness state that every bot replica shares (types only): how
 * fast one user may send, and how much of their work may wait or run at
 * once. src/adapters/redis/fairness implements it; the bot talks through it.
 */

/** A token bucket: `perMinute` tokens come back per minute, at most `burst` are held. */
export interface RateLimit {
  perMinute: number;
  burst: number;
  /** At most one "slow down" notice per user per this many ms. */
  noticeEveryMs: number;
}

/**
 * One token taken, or refused. A refusal says whether this is the one that
 * should tell the user (the first in `noticeEveryMs`); the others are silent.
 */
export type TakeVerdict = { allowed: true } | { allowed: false; notify: boolean };

/** Whether a slot was granted, and how many the user holds now (with it, when granted). */
export interface ReserveVerdict {
  granted: boolean;
  held: number;
}

/**
 * A user's rate bucket and work slots. Slots are opaque members (the bot
 * names them: an update being handled, a job it enqueued), each with its own
 * expiry so a slot that is never released cannot lock a user out for good.
 * Every method rejects when Redis does not answer; callers decide.
 */
export interface UserFairnessStore {
  /** Takes one token from `userId`'s bucket (atomically, on Redis' clock). */
  take(userId: number, limit: RateLimit): Promise<TakeVerdict>;
  /** Grants `member` a slot unless `userId` already holds `max` unexpired ones (atomically). */
  reserve(userId: number, member: string, max: number, ttlMs: number): Promise<ReserveVerdict>;
  /** Replaces `member` by `replacements` (each expiring after `ttlMs`) in one step; an empty list just frees it. */
  settle(userId: number, member: string, replacements: readonly string[], ttlMs: number): Promise<void>;
  /** The unexpired slots `userId` holds. */
  held(userId: number): Promise<string[]>;
  /** Frees slots (e.g. jobs that have finished). */
  release(userId: number, members: readonly string[]): Promise<void>;
}

import { BotApiError, Descriptions } from './errors.js';
import type { Update } from './types.js';

/**
 * Update types delivered when a bot never chose (or reset to `[]`) allowed_updates: everything
 * except these three, per the Bot API docs.
 */
const NOT_DEFAULT_TYPES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** The payload type of an update: its one key besides update_id. */
export function updateType(update: Update): string | undefined {
  for (const key of Object.keys(update)) if (key !== 'update_id') return key;
  return undefined;
}

interface LongPoll {
  offset: number;
  limit: number;
  resolve: (updates: Update[]) => void;
  reject: (err: BotApiError) => void;
  timer: NodeJS.Timeout;
}

/** A long poll in progress; cancel() when the HTTP client goes away. */
export interface PendingPoll {
  promise: Promise<Update[]>;
  cancel(): void;
}

/**
 * The bot's pending updates, with the real getUpdates semantics:
 * - updates with update_id < offset are forgotten (acknowledged) when getUpdates is called;
 * - a negative offset counts back from the newest update and also forgets everything before;
 * - an offset beyond the newest update is ignored (the real server falls back to the head);
 * - one long poll at a time: a newer long poll terminates the older one with 409 Conflict.
 *
 * Updates live in an array with a moving head, so acknowledging is O(1) amortised.
 */
export class UpdateQueue {
  private items: Update[] = [];
  private head = 0;
  private nextId: number;
  private poll: LongPoll | undefined;
  private wakeScheduled = false;
  private allowed: ReadonlySet<string> | undefined;
  /** Every update below this id was acknowledged by a getUpdates offset (the bot is done with it). */
  private acknowledgedBelow = 0;
  /** Called after an update is queued (the webhook deliverer listens here). */
  onPush: (() => void) | undefined;

  constructor(
    firstUpdateId = 1,
    private readonly maxPending = 100_000,
  ) {
    this.nextId = firstUpdateId;
  }

  /** Number of queued, unacknowledged updates. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** True while a getUpdates long poll is waiting for updates. */
  get longPollActive(): boolean {
    return this.poll !== undefined;
  }

  /**
   * True once the bot acknowledged `updateId` with a later getUpdates offset,
   * which a polling bot sends only after handling it.
   */
  acknowledged(updateId: number): boolean {
    return updateId < this.acknowledgedBelow;
  }

  /** The id the next update will get. */
  get peekNextId(): number {
    return this.nextId;
  }

  /**
   * Persists allowed_updates like the real API: an empty list restores the default set; the
   * filter applies to updates created from now on.
   */
  setAllowedUpdates(types: readonly string[] | undefined): void {
    if (types === undefined) return;
    this.allowed = types.length === 0 ? undefined : new Set(types);
  }

  get allowedUpdates(): string[] | undefined {
    return this.allowed ? [...this.allowed] : undefined;
  }

  private isAllowed(update: Update): boolean {
    const type = updateType(update);
    if (type === undefined) return true; // malformed injected updates are delivered as-is
    return this.allowed ? this.allowed.has(type) : !NOT_DEFAULT_TYPES.has(type);
  }

  /**
   * Queues a payload under the next update_id (or the one it carries, which must not go
   * backwards). Returns the update, or undefined when allowed_updates filters it out.
   */
  push(payload: Omit<Update, 'update_id'> & { update_id?: number }): Update | undefined {
    const requested = payload.update_id;
    if (requested !== undefined && (!Number.isInteger(requested) || requested < this.nextId)) {
      throw new RangeError(`update_id must be an integer >= ${this.nextId}`);
    }
    const update = { ...payload, update_id: requested ?? this.nextId } as Update;
    this.nextId = update.update_id + 1;
    if (!this.isAllowed(update)) return undefined;
    this.items.push(update);
    if (this.size > this.maxPending) this.head++; // drop the oldest, like a full real queue
    this.scheduleWake();
    this.onPush?.();
    return update;
  }

  /** Puts updates taken by a webhook back at the front, e.g. when the webhook is deleted. */
  restore(updates: Update[]): void {
    if (updates.length === 0) return;
    const rest = this.items.slice(this.head);
    this.items = [...updates, ...rest].sort((a, b) => a.update_id - b.update_id);
    this.head = 0;
    this.scheduleWake();
  }

  /** Removes and returns every queued update (webhook delivery takes ownership of them). */
  takeAll(): Update[] {
    const out = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return out;
  }

  /** getUpdates without waiting: acknowledges below `offset`, returns up to `limit` updates. */
  take(offset: number, limit: number): Update[] {
    const from = this.resolveOffset(offset);
    // A poll with offset N confirms every update below N: telegraf asks again only once the previous batch is handled.
    if (from > this.acknowledgedBelow) this.acknowledgedBelow = from;
    while (this.head < this.items.length && this.items[this.head]!.update_id < from) this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return this.items.slice(this.head, this.head + limit);
  }

  private resolveOffset(offset: number): number {
    if (offset < 0) return this.size === 0 ? 0 : this.nextId + offset;
    if (offset > this.nextId) return 0;
    return offset;
  }

  /**
   * getUpdates with a timeout. Answers at once if updates are pending; otherwise waits until
   * one arrives or `timeoutMs` passes. Terminates any older long poll with 409.
   */
  longPoll(offset: number, limit: number, timeoutMs: number): PendingPoll {
    const ready = this.take(offset, limit);
    if (ready.length > 0 || timeoutMs <= 0) return { promise: Promise.resolve(ready), cancel: () => {} };
    this.abortLongPoll(Descriptions.getUpdatesConflict);
    // Remember the absolute offset: a negative one must not move as new updates arrive.
    const absolute = offset < 0 ? this.nextId : offset;
    let poll!: LongPoll;
    const promise = new Promise<Update[]>((resolve, reject) => {
      poll = {
        offset: absolute,
        limit,
        resolve,
        reject,
        timer: setTimeout(() => this.finish(poll, []), timeoutMs),
      };
    });
    this.poll = poll;
    return { promise, cancel: () => this.finish(poll, []) };
  }

  /** Fails the pending long poll with 409 (another getUpdates, or setWebhook). */
  abortLongPoll(description: string): void {
    const poll = this.poll;
    if (!poll) return;
    this.poll = undefined;
    clearTimeout(poll.timer);
    poll.reject(new BotApiError(409, description));
  }

  private finish(poll: LongPoll, updates: Update[]): void {
    clearTimeout(poll.timer);
    if (this.poll === poll) this.poll = undefined;
    poll.resolve(updates);
  }

  /**
   * Wakes the long poll on the next macrotask, so updates pushed in the same tick are answered
   * together instead of one per response.
   */
  private scheduleWake(): void {
    if (!this.poll || this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      const poll = this.poll;
      if (!poll) return;
      const updates = this.take(poll.offset, poll.limit);
      if (updates.length > 0) this.finish(poll, updates);
    });
  }

  /** Drops all pending updates (drop_pending_updates, reset). Update ids keep increasing. */
  clear(): void {
    this.items = [];
    this.head = 0;
  }

  /** Ends any pending long poll with an empty result (used on shutdown). */
  close(): void {
    if (this.poll) this.finish(this.poll, []);
  }
}

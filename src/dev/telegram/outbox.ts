import { ButtonNumbers, type NumberedButton } from './button-numbers.js';
import type { BotCommand, Message } from './types.js';

/**
 * One bot-side action, in the order the emulator performed it.
 *
 * Objects are shared, not copied: treat them (and the messages inside) as read-only.
 */
export interface OutboxEvent {
  /** Strictly increasing across the emulator's life (reset() does not rewind it). */
  seq: number;
  /** Wall-clock time of the action, in milliseconds since the epoch. */
  at: number;
  /** Canonical Bot API method name, e.g. "sendMessage", "editMessageText". */
  method: string;
  /** Chat the action touched; null for chat-less actions such as setMyCommands. */
  chat_id: number | null;
  /** The resulting message for sends and edits. */
  message?: Message;
  /** The message's callback buttons with their chat-wide numbers (see ButtonNumbers); sends and edits only. */
  buttons?: NumberedButton[];
  /** The affected message id for sends, edits and deletes. */
  message_id?: number;
  /** file_id of an uploaded or re-sent photo/document; bytes via `emulator.file(file_id)`. */
  file_id?: string;
  /** answerCallbackQuery fields. */
  callback_query_id?: string;
  text?: string;
  show_alert?: boolean;
  url?: string;
  /** sendChatAction's action. */
  action?: string;
  /** setMyCommands' commands (with the scope/language key they were stored under). */
  commands?: BotCommand[];
  scope_key?: string;
}

/** Filters for reading the outbox. */
export interface EventQuery {
  /** Only events for this chat. */
  chatId?: number;
  /** Only events with seq greater than this (default 0: everything retained). */
  afterSeq?: number;
  /** Long-poll: wait up to this many ms for a matching event if none exists yet. */
  waitMs?: number;
  /** Maximum number of events returned (default 1000). */
  limit?: number;
}

/** An append-only list sorted by seq, keeping only the newest `cap` items. */
class BoundedLog {
  private items: OutboxEvent[] = [];
  private start = 0;

  constructor(private readonly cap: number) {}

  push(event: OutboxEvent): void {
    this.items.push(event);
    if (this.items.length - this.start > this.cap) this.start++;
    // Compact once the dead prefix is as large as the cap: O(1) amortised per push.
    if (this.start >= this.cap) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  /** Events with seq > afterSeq, found by binary search. */
  after(afterSeq: number, limit: number): OutboxEvent[] {
    let lo = this.start;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.seq <= afterSeq) lo = mid + 1;
      else hi = mid;
    }
    return this.items.slice(lo, lo + limit);
  }
}

interface EventWaiter {
  afterSeq: number;
  limit: number;
  chatId: number | undefined;
  resolve: (events: OutboxEvent[]) => void;
  timer: NodeJS.Timeout;
}

interface PredicateWaiter {
  afterSeq: number;
  predicate: (event: OutboxEvent) => boolean;
  resolve: (event: OutboxEvent) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const ALL = 'all';

/**
 * The record of everything the bot did, indexed globally and per chat, each index capped at
 * `cap` events. Long polls are woken on the next macrotask after a matching event, batching
 * events recorded in the same tick.
 */
export class Outbox {
  private seq = 0;
  private all: BoundedLog;
  private byChat = new Map<number, BoundedLog>();
  private waiters = new Map<number | typeof ALL, Set<EventWaiter>>();
  private predicateWaiters = new Set<PredicateWaiter>();
  private pendingWake = new Set<EventWaiter>();
  private wakeScheduled = false;
  /** The numbers the terminal clients show for the bot's buttons. */
  readonly buttonNumbers = new ButtonNumbers();

  constructor(private readonly cap = 10_000) {
    this.all = new BoundedLog(cap);
  }

  /** Sequence number of the newest event (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Appends an event, assigning seq and time, and wakes whoever waits for it. */
  record(event: Omit<OutboxEvent, 'seq' | 'at'>): OutboxEvent {
    const full: OutboxEvent = { seq: ++this.seq, at: Date.now(), ...event };
    if (full.message && full.chat_id !== null) {
      const buttons = this.buttonNumbers.note(full.chat_id, full.message);
      if (buttons.length > 0) full.buttons = buttons;
    }
    this.all.push(full);
    if (full.chat_id !== null) {
      let log = this.byChat.get(full.chat_id);
      if (!log) this.byChat.set(full.chat_id, (log = new BoundedLog(this.cap)));
      log.push(full);
      this.queueWake(this.waiters.get(full.chat_id));
    }
    this.queueWake(this.waiters.get(ALL));
    for (const w of this.predicateWaiters) {
      if (full.seq > w.afterSeq && w.predicate(full)) {
        this.predicateWaiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(full);
      }
    }
    return full;
  }

  /** Retained events matching the query, without waiting. */
  list(query: EventQuery = {}): OutboxEvent[] {
    const limit = query.limit ?? 1000;
    const afterSeq = query.afterSeq ?? 0;
    if (query.chatId === undefined) return this.all.after(afterSeq, limit);
    return this.byChat.get(query.chatId)?.after(afterSeq, limit) ?? [];
  }

  /** Like list(), but waits up to `waitMs` for the first matching event when there is none. */
  wait(query: EventQuery = {}): Promise<OutboxEvent[]> {
    const now = this.list(query);
    if (now.length > 0 || !query.waitMs || query.waitMs <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const key = query.chatId ?? ALL;
      const waiter: EventWaiter = {
        afterSeq: query.afterSeq ?? 0,
        limit: query.limit ?? 1000,
        chatId: query.chatId,
        resolve,
        timer: setTimeout(() => this.settle(waiter, []), query.waitMs),
      };
      let set = this.waiters.get(key);
      if (!set) this.waiters.set(key, (set = new Set()));
      set.add(waiter);
    });
  }

  /**
   * Resolves with the first event (already retained, or future) with seq > afterSeq that
   * satisfies `predicate`; rejects after `timeoutMs` with a summary of recent events.
   */
  waitFor(predicate: (event: OutboxEvent) => boolean, timeoutMs: number, afterSeq = 0): Promise<OutboxEvent> {
    const existing = this.all.after(afterSeq, Number.MAX_SAFE_INTEGER).find(predicate);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter: PredicateWaiter = {
        afterSeq,
        predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.predicateWaiters.delete(waiter);
          const recent = this.all
            .after(Math.max(afterSeq, this.seq - 5), 5)
            .map((e) => `#${e.seq} ${e.method} chat=${String(e.chat_id)}${e.message?.text ? ` "${e.message.text.slice(0, 60)}"` : ''}`);
          reject(new Error(`waitFor timed out after ${timeoutMs} ms; last events: ${recent.join('; ') || 'none'}`));
        }, timeoutMs),
      };
      this.predicateWaiters.add(waiter);
    });
  }

  private queueWake(set: Set<EventWaiter> | undefined): void {
    if (!set || set.size === 0) return;
    for (const w of set) if (w.afterSeq < this.seq) this.pendingWake.add(w);
    if (this.wakeScheduled || this.pendingWake.size === 0) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      const woken = [...this.pendingWake];
      this.pendingWake.clear();
      for (const w of woken) {
        const events = this.list({ chatId: w.chatId, afterSeq: w.afterSeq, limit: w.limit });
        if (events.length > 0) this.settle(w, events);
      }
    });
  }

  private settle(waiter: EventWaiter, events: OutboxEvent[]): void {
    clearTimeout(waiter.timer);
    const key = waiter.chatId ?? ALL;
    const set = this.waiters.get(key);
    set?.delete(waiter);
    if (set?.size === 0) this.waiters.delete(key);
    this.pendingWake.delete(waiter);
    waiter.resolve(events);
  }

  /** Forgets all events; seq keeps increasing so old cursors stay valid. */
  clear(): void {
    this.all = new BoundedLog(this.cap);
    this.byChat = new Map();
    this.buttonNumbers.clear();
  }

  /** Resolves every long poll with [] and rejects predicate waiters (used on shutdown). */
  close(): void {
    for (const set of [...this.waiters.values()]) for (const w of [...set]) this.settle(w, []);
    for (const w of this.predicateWaiters) {
      clearTimeout(w.timer);
      w.reject(new Error('Telegram emulator closed'));
    }
    this.predicateWaiters.clear();
  }
}

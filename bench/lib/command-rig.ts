import { performance } from 'node:perf_hooks';
import type { Job } from 'bullmq';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import type { LocalApp } from './app.js';

/** BullMQ's own timestamps of a job (epoch ms, written by the producer and the worker). */
export interface JobTimes {
  timestamp: number;
  processedOn: number | undefined;
  finishedOn: number | undefined;
}

/** One command sent by a simulated user; times are performance.now() ms unless named epoch. */
export interface Sample {
  userId: number;
  updateId: number;
  /** When the open-loop schedule wanted it sent. */
  intended: number;
  sent: number;
  replied?: number;
  replyText?: string;
  // Stage marks from bench-side wrappers (present with stage timing on).
  /** telegraf's handleUpdate called for this update (the bot got it from getUpdates). */
  botStart?: number;
  /** …and returned (the whole middleware chain, incl. the enqueue, is done). */
  botEnd?: number;
  auditStart?: number;
  auditEnd?: number;
  enqStart?: number;
  enqEnd?: number;
  notifyEnqStart?: number;
  notifyEnqEnd?: number;
  // From BullMQ after the run.
  cmd?: JobTimes;
  notify?: JobTimes;
}

/** The updates of one getUpdates answer: telegraf handles them together and polls again only when all are done. */
export interface UpdateBatch {
  start: number;
  size: number;
  /** When the last of them finished: the poll loop was blocked from start to end. */
  end?: number;
}

export interface AuditBatch {
  start: number;
  end: number;
  rows: number;
}

/**
 * Experiments that emulate a proposed src change by patching the running app's instances, to
 * measure its effect before anyone writes it. They change semantics: never on by default.
 */
export const WHAT_IF = {
  /** The bot enqueues without waiting for the command.received audit row (written concurrently). */
  'audit-async': (app: LocalApp) => {
    const audit = app.running.app.audit;
    const append = audit.append.bind(audit);
    audit.append = (event) => {
      const written = append(event);
      if (event.action !== 'command.received') return written;
      written.catch(() => undefined);
      return Promise.resolve(0);
    };
  },
  /** telegraf's poll loop does not wait for a batch's handlers before the next getUpdates. */
  'detached-polling': (app: LocalApp) => {
    const bot = app.running.bot!.bot;
    const handle = bot.handleUpdate.bind(bot);
    bot.handleUpdate = (update, res) => {
      handle(update, res).catch(() => undefined);
      return Promise.resolve();
    };
  },
} satisfies Record<string, (app: LocalApp) => void>;
export type WhatIf = keyof typeof WHAT_IF;

const isStatusReply = (text: string | undefined) => !!text && /Kill switch/.test(text);

/**
 * Drives the running app like Telegram users would and times each command from
 * `emulator.sendUserMessage` to the moment the emulator records the bot's `sendMessage` for that
 * chat. Replies are matched per chat in order, so callers keep one command in flight per chat
 * (they rotate over many allow-listed users) and matching is exact.
 *
 * With `stages`, the rig also wraps a few methods of the app's shared services (audit append,
 * job enqueue, the audit batch write) on the instances — bench-only instrumentation, src is not
 * changed — and afterwards reads BullMQ's job timestamps, to split the latency into stages.
 */
export class CommandRig {
  readonly emulator: LocalApp['emulator'];
  private readonly pending = new Map<number, Sample[]>();
  private readonly byUpdate = new Map<number, Sample>();
  private outstanding = 0;
  private completed = 0;
  /** Replies that matched no command or were not a /status answer (should stay 0). */
  unexpected: { chatId: number | null; text: string }[] = [];
  readonly auditBatches: AuditBatch[] = [];
  readonly updateBatches: UpdateBatch[] = [];
  private nextUser = 0;
  private readonly onReply = new Map<Sample, () => void>();
  private onIdle: (() => void)[] = [];
  /** Date.now() − performance.now(), to place BullMQ's epoch stamps on the performance clock. */
  readonly epochOffset: number;

  constructor(
    readonly app: LocalApp,
    private readonly users: { first: number; count: number },
    readonly stages: boolean,
    whatIf: readonly WhatIf[] = [],
  ) {
    this.emulator = app.emulator;
    // Catch the instant Date.now() ticks over, so the offset is exact to well under a millisecond.
    const d0 = Date.now();
    let d = d0;
    let t = performance.now();
    while (d === d0) {
      t = performance.now();
      d = Date.now();
    }
    this.epochOffset = d - t;
    this.tap();
    if (stages) this.instrument();
    for (const w of whatIf) WHAT_IF[w](app);
  }

  get inFlight(): number {
    return this.outstanding;
  }

  get completedCount(): number {
    return this.completed;
  }

  /** The next user in rotation (distinct chats; each user's pacing bucket stays full). */
  user(): number {
    const id = this.users.first + (this.nextUser % this.users.count);
    this.nextUser++;
    return id;
  }

  send(text: string, intended = performance.now(), userId = this.user()): Sample {
    const sent = performance.now();
    const { update_id } = this.emulator.sendUserMessage({ userId, text, firstName: `Bench${userId}` });
    const s: Sample = { userId, updateId: update_id, intended, sent };
    let q = this.pending.get(userId);
    if (!q) this.pending.set(userId, (q = []));
    q.push(s);
    this.byUpdate.set(update_id, s);
    this.outstanding++;
    return s;
  }

  /** Resolves when every command sent so far has its reply, or after `idleMs` without progress. */
  async drain(idleMs = 15_000): Promise<{ lost: number }> {
    let last = this.completed;
    let lastProgress = performance.now();
    while (this.outstanding > 0) {
      await new Promise<void>((r) => {
        const timer = setTimeout(done, 250);
        function done() {
          clearTimeout(timer);
          r();
        }
        this.onIdle.push(done);
      });
      if (this.completed !== last) {
        last = this.completed;
        lastProgress = performance.now();
      } else if (performance.now() - lastProgress > idleMs) {
        return { lost: this.outstanding };
      }
    }
    return { lost: 0 };
  }

  /** Sends one command and waits for its reply (closed loop); resolves without `replied` on timeout. */
  roundTrip(text: string, timeoutMs = 10_000): Promise<Sample> {
    const s = this.send(text);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onReply.delete(s);
        resolve(s);
      }, timeoutMs);
      this.onReply.set(s, () => {
        clearTimeout(timer);
        resolve(s);
      });
    });
  }

  /** Fills in BullMQ's job timestamps (jobs are kept after completion) for the given samples. */
  async loadJobTimes(samples: Sample[]): Promise<void> {
    const { commands, notify } = this.app.running.app.jobs.queues;
    const times = (j: Job | undefined): JobTimes | undefined => (j ? { timestamp: j.timestamp, processedOn: j.processedOn, finishedOn: j.finishedOn } : undefined);
    for (let i = 0; i < samples.length; i += 200) {
      await Promise.all(
        samples.slice(i, i + 200).map(async (s) => {
          const [c, n] = await Promise.all([commands.getJob(`tg-${s.updateId}`), notify.getJob(`tg-${s.updateId}-reply`)]);
          s.cmd = times(c);
          s.notify = times(n);
        }),
      );
    }
  }

  /** An epoch-ms BullMQ stamp (Date.now(), truncated to the ms) on the performance clock: the middle of its millisecond. */
  perf(epochMs: number | undefined): number | undefined {
    return epochMs === undefined ? undefined : epochMs + 0.5 - this.epochOffset;
  }

  /**
   * Watches every bot action as the emulator records it. The emulator has no subscribe API, so
   * this registers a waitFor predicate that never matches: it is called synchronously inside the
   * emulator's record(), i.e. at the exact moment the Bot API call is handled.
   */
  private tap(): void {
    const onEvent = (e: OutboxEvent): false => {
      if (e.method !== 'sendMessage') return false;
      const t = performance.now();
      const q = e.chat_id === null ? undefined : this.pending.get(e.chat_id);
      const s = q?.shift();
      const text = e.message?.text;
      if (!s || !isStatusReply(text)) {
        this.unexpected.push({ chatId: e.chat_id, text: (text ?? '').slice(0, 120) });
        if (!s) return false;
      }
      s.replied = t;
      s.replyText = text;
      this.outstanding--;
      this.completed++;
      const cb = this.onReply.get(s);
      if (cb) {
        this.onReply.delete(s);
        cb();
      }
      if (this.outstanding === 0 && this.onIdle.length > 0) {
        const waiting = this.onIdle;
        this.onIdle = [];
        waiting.forEach((f) => f());
      }
      return false;
    };
    this.emulator.waitFor(onEvent, 2 ** 31 - 1, { afterSeq: this.emulator.lastSeq }).catch(() => undefined);
  }

  private instrument(): void {
    // telegraf's polling loop calls this.handleUpdate(update) for every update of a getUpdates
    // answer in one synchronous pass, then awaits them all before the next getUpdates.
    const bot = this.app.running.bot!.bot;
    const handle = bot.handleUpdate.bind(bot);
    let batch: UpdateBatch | null = null;
    bot.handleUpdate = async (update, res) => {
      const now = performance.now();
      if (!batch) {
        const b: UpdateBatch = (batch = { start: now, size: 0 });
        this.updateBatches.push(b);
        queueMicrotask(() => {
          if (batch === b) batch = null;
        });
      }
      const mine = batch;
      mine.size++;
      const s = this.byUpdate.get(update.update_id);
      if (s) s.botStart = now;
      try {
        return await handle(update, res);
      } finally {
        const end = performance.now();
        if (s) s.botEnd = end;
        mine.end = Math.max(mine.end ?? 0, end);
      }
    };
    const ctx = this.app.running.app;
    const audit = ctx.audit;
    const append = audit.append.bind(audit);
    audit.append = async (event) => {
      const s = event.action === 'command.received' && typeof event.updateId === 'number' ? this.byUpdate.get(event.updateId) : undefined;
      if (s) s.auditStart = performance.now();
      try {
        return await append(event);
      } finally {
        if (s) s.auditEnd = performance.now();
      }
    };
    // The group-commit write (a private method of AuditLog; measured only if present).
    const inner = audit as unknown as { writeBatch?: (payloads: unknown[]) => Promise<number> };
    if (typeof inner.writeBatch === 'function') {
      const write = inner.writeBatch.bind(audit);
      inner.writeBatch = async (payloads) => {
        const start = performance.now();
        try {
          return await write(payloads);
        } finally {
          this.auditBatches.push({ start, end: performance.now(), rows: payloads.length });
        }
      };
    }
    const jobs = ctx.jobs;
    const add = jobs.add.bind(jobs);
    jobs.add = (async (name, payload, opts) => {
      const id = opts?.jobId ?? '';
      const m = /^tg-(\d+)(-reply)?$/.exec(id);
      const s = m ? this.byUpdate.get(Number(m[1])) : undefined;
      const reply = !!m?.[2];
      if (s) s[reply ? 'notifyEnqStart' : 'enqStart'] = performance.now();
      try {
        return await add(name, payload, opts);
      } finally {
        if (s) s[reply ? 'notifyEnqEnd' : 'enqEnd'] = performance.now();
      }
    }) as typeof jobs.add;
  }
}

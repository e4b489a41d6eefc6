/**
 * The approve section's world and driver: stored bars and PENDING picks, pick cards posted the way
 * /scan posts them (photo, caption, signed ✅/✖ buttons, through the notify queue), and a rig that
 * taps Approve on a card through the Bot API emulator and times the way to the fill confirmation.
 *
 * Bench-only instrumentation: wrappers on the running app's instances (telegraf's handleUpdate,
 * JobProducer.add, AuditLog.append, the chart renderer) and on two prototypes (BullMQ's
 * Worker.callProcessJob, PaperBroker.submitOrder/account). Nothing in src/ is changed.
 */
import { performance } from 'node:perf_hooks';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { CALLBACK_ACTIONS, signCallback } from '../../src/bot/callback-data.js';
import { PaperBroker } from '../../src/adapters/brokers/paper/paper-broker.js';
import type { OrderRequest } from '../../src/adapters/brokers/port.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { toSeries, type Bar } from '../../src/engine/bars.js';
import { weekdaySessions } from '../../src/adapters/market-data/synthetic/sessions.js';
import { pickCaption, pickChartSpec } from '../../src/bot/views/pick-card.js';
import { nyClock } from '../../src/bot/format/ny-time.js';
import type { LocalApp } from './app.js';

const SCAN_RUN = 'bench-approve';

/** The last weekday on or before today (UTC), YYYY-MM-DD: the stored bars end there. */
function lastWeekday(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Daily bars zig-zagging gently around `close`, the last one exactly at `close`, constant volume. */
function flatBars(end: string, n: number, close: number, volume: number): Bar[] {
  return weekdaySessions(end, n).map((date, i) => {
    const c = i === n - 1 ? close : Math.round(close * (1 + 0.004 * Math.sin(i / 3)) * 100) / 100;
    const o = Math.round(c * (1 - 0.002 * Math.cos(i / 2)) * 100) / 100;
    return { date, open: o, high: Math.round(Math.max(o, c) * 1.006 * 100) / 100, low: Math.round(Math.min(o, c) * 0.994 * 100) / 100, close: c, volume };
  });
}

export interface ApproveMarket {
  symbols: string[];
  bars: Map<string, Bar[]>;
  close: number;
}

/** Stores `sessions` daily bars for each symbol (last close `close`, volume `volume`) through the app's BarsStore. */
export async function seedMarket(app: LocalApp, symbols: string[], opts: { sessions: number; close: number; volume: number }): Promise<ApproveMarket> {
  const end = lastWeekday();
  const bars = new Map(symbols.map((s) => [s, flatBars(end, opts.sessions, opts.close, opts.volume)] as const));
  await app.running.app.bars.writeBars(
    [...bars.entries()].map(([symbol, b]) => ({ symbol, bars: b })),
    { source: 'bench-approve', demo: false },
  );
  return { symbols, bars, close: opts.close };
}

/**
 * Inserts `count` PENDING picks (and their scan run) as /scan stores them, symbols in rotation,
 * entry = the latest close (inside the drift band), expiring in an hour. Returns their ids.
 */
export async function insertPicks(app: LocalApp, market: ApproveMarket, count: number, qty: number): Promise<string[]> {
  const ds = app.running.app.ds;
  await ds.query(
    `INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ($1, 1, 1, CURRENT_DATE, '{donchian}', 'done', $2, false)
     ON CONFLICT (id) DO NOTHING`,
    [SCAN_RUN, market.symbols.length],
  );
  const ids = Array.from({ length: count }, (_, i) => `bench${i}`);
  // Picks are unique per (session, symbol, strategy): distinct session dates.
  const days = ids.map((_, i) => new Date(Date.UTC(2001, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));
  const syms = ids.map((_, i) => market.symbols[i % market.symbols.length]!);
  const entry = market.close;
  const stop = Math.round(entry * 0.95 * 100) / 100;
  await ds.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at)
     SELECT id, $1, day::date, sym, 'donchian', $2, $3, NULL, 1, 1, $4, $5, '["bench"]', false, $6
       FROM unnest($7::text[], $8::text[], $9::text[]) AS t(id, day, sym)`,
    [SCAN_RUN, entry, stop, qty, qty * (entry - stop), new Date(Date.now() + 60 * 60_000), ids, days, syms],
  );
  return ids;
}

export interface Card {
  pickId: string;
  chatId: number;
  messageId: number;
  /** The signed callback data of the card's ✅ Approve button. */
  approve: string;
}

/** One Approve tap; times are performance.now() ms. */
export interface Tap {
  card: Card;
  sent: number;
  callbackId: string;
  /** telegraf's handleUpdate called for this update, and returned. */
  botStart?: number;
  botEnd?: number;
  /** AuditLog.append of `pick.approved` (after the kill switch and the approve statement). */
  approvedAuditStart?: number;
  approvedAuditEnd?: number;
  /** JobProducer.add of `execution.run`. */
  enqStart?: number;
  enqEnd?: number;
  approvalId?: string;
  /** The bot's own edit of the card ("placing order…") and its answerCallbackQuery. */
  cardEdited?: number;
  answered?: number;
  answerText?: string;
  /** The executions worker running the job (BullMQ processor call) — start and end. */
  execStart?: number;
  execEnd?: number;
  /** Audit appends inside executeApproval: order.created / order.submitting / order.submitted started, order.<final> committed. */
  created?: number;
  submitting?: number;
  submitted?: number;
  booked?: number;
  /** PaperBroker.account() and submitOrder() durations (ms). */
  accountMs?: number;
  submitMs?: number;
  renderStart?: number;
  renderEnd?: number;
  /** JobProducer.add of the outcome's notify job. */
  notifyEnqStart?: number;
  notifyEnqEnd?: number;
  /** The notify worker running that job. */
  notifyStart?: number;
  notifyEnd?: number;
  /** The worker's edit of the card (outcome line) and the confirmation photo. */
  outcomeEdited?: number;
  confirmed?: number;
  /** The fill chart photo that follows the confirmation (off the measured path). */
  chart?: number;
  /** Something other than the "✅ Bought" confirmation came back (a refusal, a failure). */
  failed?: string;
}

type Listener = () => void;

/** One Postgres statement or Redis command issued by this process (for per-stage counts). */
export interface Call {
  at: number;
  kind: 'pg' | 'redis';
  /** Postgres: the statement ends a transaction (COMMIT) or is a write outside one (autocommit): one WAL flush. */
  commit: boolean;
}

/**
 * Experiments that emulate a proposed src change by patching the running app's instances, to
 * measure its effect before anyone writes it. They change semantics: never on by default.
 */
export const WHAT_IF = {
  /** The confirmation does not wait for a fresh chart render (a PNG rendered once is reused). */
  'chart-off-path': (rig: ApproveRig) => {
    rig.cachedChart = true;
  },
  /** The outcome's notify job sends the confirmation photo before it edits the card. */
  'photo-first': (rig: ApproveRig) => {
    const notifier = rig.app.running.app.notifier;
    const deliver = notifier.deliver.bind(notifier);
    notifier.deliver = (chatId, ops, origin, jobId, delayMs, silent) => {
      const reordered = jobId?.endsWith('-outcome') ? [...ops.filter((o) => o.kind !== 'editCaption'), ...ops.filter((o) => o.kind === 'editCaption')] : ops;
      return deliver(chatId, reordered, origin, jobId, delayMs, silent);
    };
  },
  /** pick.approved and the execution's order.* audit rows are written in the background, not awaited. */
  'audit-async': (rig: ApproveRig) => {
    rig.asyncAudit = true;
  },
} satisfies Record<string, (rig: ApproveRig) => void>;
export type WhatIf = keyof typeof WHAT_IF;

/** The rig the prototype patches report to (one at a time). */
let activeRig: ApproveRig | null = null;
let prototypesPatched = false;

const TX_END = /^\s*(COMMIT|END|ROLLBACK)\b/i;
const TX_START = /^\s*(BEGIN|START TRANSACTION)\b/i;
const WRITE = /^\s*(INSERT|UPDATE|DELETE|WITH)\b/i;
const TX_TAIL = /;\s*(COMMIT|END)\s*;?\s*$/i;

function patchPrototypes(): void {
  if (prototypesPatched) return;
  prototypesPatched = true;
  // Every statement of the app's pool and every Redis command, time-stamped (only while a rig is active).
  const inTx = new WeakSet<object>();
  const pgProto = pg.Client.prototype as unknown as { query(...args: unknown[]): unknown };
  const query = pgProto.query;
  pgProto.query = function (this: pg.Client, ...args: unknown[]) {
    const rig = activeRig;
    if (rig) {
      const a0 = args[0];
      const text = typeof a0 === 'string' ? a0 : a0 && typeof a0 === 'object' && 'text' in a0 ? String((a0 as { text: unknown }).text) : '';
      let commit = false;
      if (TX_START.test(text)) inTx.add(this);
      else if (TX_END.test(text)) {
        commit = /^\s*(COMMIT|END)/i.test(text);
        inTx.delete(this);
      } else if (!inTx.has(this) && WRITE.test(text) && (!/^\s*WITH\b/i.test(text) || /\b(INSERT|UPDATE|DELETE)\b/i.test(text))) commit = true;
      // A multi-statement simple query ("…; COMMIT") is one round trip that ends the transaction.
      if (TX_TAIL.test(text)) {
        commit = true;
        inTx.delete(this);
      }
      rig.calls.push({ at: performance.now(), kind: 'pg', commit });
    }
    return query.apply(this, args);
  };
  const rproto = Redis.prototype as unknown as { sendCommand(this: Redis, ...rest: unknown[]): unknown };
  const send = rproto.sendCommand;
  rproto.sendCommand = function (this: Redis, ...rest: unknown[]) {
    activeRig?.calls.push({ at: performance.now(), kind: 'redis', commit: false });
    return send.apply(this, rest);
  };
  const wproto = Worker.prototype as unknown as { callProcessJob(this: Worker, job: Job, token: string, signal?: unknown): Promise<unknown> };
  const call = wproto.callProcessJob;
  wproto.callProcessJob = async function (this: Worker, job, token, signal) {
    const h = activeRig?.tapForJob(job);
    if (h) h.tap[h.kind === 'exec' ? 'execStart' : 'notifyStart'] = performance.now();
    try {
      return await call.call(this, job, token, signal);
    } finally {
      if (h) h.tap[h.kind === 'exec' ? 'execEnd' : 'notifyEnd'] = performance.now();
    }
  } as typeof wproto.callProcessJob;
  const pproto = PaperBroker.prototype;
  const submit = pproto.submitOrder;
  pproto.submitOrder = async function (this: PaperBroker, req: OrderRequest) {
    const t = activeRig?.tapForClientOrderId(req.clientOrderId);
    const start = performance.now();
    try {
      return await submit.call(this, req);
    } finally {
      if (t) t.submitMs = performance.now() - start;
    }
  };
  const account = pproto.account;
  pproto.account = async function (this: PaperBroker) {
    const t = activeRig?.soleExecuting();
    const start = performance.now();
    try {
      return await account.call(this);
    } finally {
      if (t) t.accountMs = performance.now() - start;
    }
  };
}

/**
 * Presses Approve on posted cards through the emulator and follows each tap to its confirmation.
 * Every bot action is observed synchronously inside the emulator (a never-matching waitFor
 * predicate, as in CommandRig), so no polling delay is added to the figures.
 */
export class ApproveRig {
  readonly taps: Tap[] = [];
  private readonly byChat = new Map<number, Tap>();
  private readonly byCallback = new Map<string, Tap>();
  private readonly byPick = new Map<string, Tap>();
  private readonly byApproval = new Map<string, Tap>();
  private readonly done = new Map<Tap, Listener>();
  /** Cards being posted: chat → resolve with the card's message id. */
  private readonly posting = new Map<number, (messageId: number) => void>();
  /** Bot actions nobody expected (should stay empty). */
  readonly unexpected: string[] = [];
  /** Postgres statements and Redis commands of this process, in order. */
  readonly calls: Call[] = [];
  /** WHAT-IF state (see {@link WHAT_IF}). */
  cachedChart = false;
  asyncAudit = false;
  private chart: Promise<Buffer> | undefined;

  constructor(
    readonly app: LocalApp,
    whatIf: readonly WhatIf[] = [],
    /** The worker runs in another process: its job marks never arrive here. */
    private readonly split = false,
  ) {
    if (activeRig) throw new Error('one ApproveRig per process');
    activeRig = this;
    patchPrototypes();
    this.observe();
    this.instrument();
    for (const w of whatIf) WHAT_IF[w](this);
  }

  /** Postgres statements, of them commits, and Redis commands issued in [from, to). */
  callsBetween(from: number, to: number): { pg: number; commits: number; redis: number } {
    let lo = 0;
    let hi = this.calls.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.calls[mid]!.at < from) lo = mid + 1;
      else hi = mid;
    }
    const out = { pg: 0, commits: 0, redis: 0 };
    for (let i = lo; i < this.calls.length && this.calls[i]!.at < to; i++) {
      const c = this.calls[i]!;
      if (c.kind === 'pg') {
        out.pg++;
        if (c.commit) out.commits++;
      } else out.redis++;
    }
    return out;
  }

  /** Stops attributing (the prototype patches stay, inert). */
  close(): void {
    if (activeRig === this) activeRig = null;
  }

  /**
   * Posts one card per pick, each to its own chat (`chatIds[i]`), as the scan flow does: one
   * chart image (rendered once, reused), the pick caption, signed Approve/Reject buttons and the
   * `pick:<id>` message ref; through the Outbox and the notify worker. Resolves when all are shown.
   */
  async postCards(pickIds: string[], chatIds: number[], market: ApproveMarket): Promise<Card[]> {
    const ctx = this.app.running.app;
    const first = await ctx.picks.get(pickIds[0]!);
    if (!first) throw new Error(`pick ${pickIds[0]} not found`);
    const png = await ctx.charts.render(pickChartSpec(first, toSeries(first.symbol, market.bars.get(first.symbol)!)));
    const key = ctx.config.telegram.callbackKey;
    const cards: Card[] = [];
    for (let i = 0; i < pickIds.length; i += 50) {
      const batch = await Promise.all(
        pickIds.slice(i, i + 50).map(async (id, j) => {
          const chatId = chatIds[i + j]!;
          const pick = await ctx.picks.get(id);
          if (!pick) throw new Error(`pick ${id} not found`);
          this.app.emulator.registerChat({ id: chatId, type: 'private', firstName: `Trader${chatId}` });
          const exp = pick.expiresAt.getTime();
          const approve = signCallback(key, CALLBACK_ACTIONS.approvePick, id, exp);
          const keyboard = [[{ text: '✅ Approve', callback_data: approve }, { text: '✖ Reject', callback_data: signCallback(key, CALLBACK_ACTIONS.rejectPick, id, exp) }]];
          const shown = new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`card of pick ${id} was not shown within 60 s`)), 60_000);
            this.posting.set(chatId, (m) => {
              clearTimeout(timer);
              resolve(m);
            });
          });
          const op = await ctx.notifier.photoOp(png, pickCaption(pick, nyClock(pick.expiresAt)), keyboard, `pick:${id}`);
          await ctx.notifier.deliver(chatId, [op], 'scan-cards', `bench-card-${id}`);
          return { pickId: id, chatId, messageId: await shown, approve };
        }),
      );
      cards.push(...batch);
    }
    return cards;
  }

  /** Presses the card's Approve button now; the returned tap fills in as the app works. */
  press(card: Card): Tap {
    const sent = performance.now();
    const r = this.app.emulator.pressButton({ userId: card.chatId, messageId: card.messageId, data: card.approve, firstName: `Trader${card.chatId}` });
    const tap: Tap = { card, sent, callbackId: r.callback_query_id };
    this.taps.push(tap);
    this.byChat.set(card.chatId, tap);
    this.byCallback.set(r.callback_query_id, tap);
    this.byPick.set(card.pickId, tap);
    return tap;
  }

  /**
   * Resolves once the confirmation (or another final message) arrived and, within `settleMs`,
   * the off-path work finished too (answer, both jobs, the fill chart that follows), so the next
   * tap starts on a quiet app.
   */
  async complete(tap: Tap, timeoutMs = 30_000, settleMs = 2_000): Promise<Tap> {
    if (tap.confirmed === undefined && tap.failed === undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.done.delete(tap);
          tap.failed ??= `no confirmation within ${timeoutMs} ms`;
          resolve();
        }, timeoutMs);
        this.done.set(tap, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const until = performance.now() + settleMs;
    const jobsDone = () => this.split || (tap.execEnd !== undefined && tap.notifyEnd !== undefined);
    while ((tap.answered === undefined || !jobsDone() || (tap.confirmed !== undefined && tap.chart === undefined)) && performance.now() < until) {
      await new Promise((r) => setTimeout(r, 2));
    }
    return tap;
  }

  /** Closed loop: press and wait, one tap at a time. */
  async roundTrip(card: Card): Promise<Tap> {
    return this.complete(this.press(card));
  }

  // --- attribution (called from the patches) ------------------------------------

  /** @internal */
  tapForJob(job: Job): { tap: Tap; kind: 'exec' | 'notify' } | undefined {
    if (job.name === 'execution.run') {
      const t = this.byPick.get(String((job.data as { pickId?: unknown }).pickId));
      return t ? { tap: t, kind: 'exec' } : undefined;
    }
    const m = job.name === 'notify.deliver' ? /^exec-(.+)-outcome$/.exec(job.id ?? '') : null;
    const t = m ? this.byApproval.get(m[1]!) : undefined;
    return t ? { tap: t, kind: 'notify' } : undefined;
  }

  /** @internal */
  tapForClientOrderId(cid: string): Tap | undefined {
    return cid.startsWith('cs-') ? this.byApproval.get(cid.slice(3)) : undefined;
  }

  /** @internal The one tap whose execution job is running, if exactly one is (serial runs). */
  soleExecuting(): Tap | undefined {
    let found: Tap | undefined;
    for (const t of this.byApproval.values()) {
      if (t.execStart !== undefined && t.execEnd === undefined) {
        if (found) return undefined;
        found = t;
      }
    }
    return found;
  }

  private finish(tap: Tap): void {
    const cb = this.done.get(tap);
    if (cb) {
      this.done.delete(tap);
      cb();
    }
  }

  private observe(): void {
    const em = this.app.emulator;
    const onEvent = (e: OutboxEvent): false => {
      const t = performance.now();
      if (e.method === 'answerCallbackQuery') {
        const tap = e.callback_query_id ? this.byCallback.get(e.callback_query_id) : undefined;
        if (tap) {
          tap.answered = t;
          tap.answerText = e.text;
        } else this.unexpected.push(`answerCallbackQuery ${e.text ?? ''}`);
        return false;
      }
      if (e.chat_id === null) return false;
      const post = this.posting.get(e.chat_id);
      if (post && e.method === 'sendPhoto') {
        this.posting.delete(e.chat_id);
        post(e.message_id!);
        return false;
      }
      const tap = this.byChat.get(e.chat_id);
      const text = e.message?.caption ?? e.message?.text ?? '';
      if (!tap) {
        this.unexpected.push(`${e.method} ${text.slice(0, 80)}`);
        return false;
      }
      if (e.method === 'editMessageCaption') {
        if (/placing order|waiting for the queue/.test(text)) tap.cardEdited ??= t;
        else tap.outcomeEdited ??= t;
      } else if (e.method === 'sendPhoto' && text.startsWith('📈')) {
        // The fill chart follows the confirmation as its own photo: not part of the measured latency.
        tap.chart ??= t;
      } else if (e.method === 'sendPhoto' || e.method === 'sendMessage') {
        if (text.startsWith('✅ Bought')) tap.confirmed ??= t;
        else tap.failed ??= text.slice(0, 300);
        this.finish(tap);
      } else {
        this.unexpected.push(`${e.method} ${text.slice(0, 80)}`);
      }
      return false;
    };
    em.waitFor(onEvent, 2 ** 31 - 1, { afterSeq: em.lastSeq }).catch(() => undefined);
  }

  private instrument(): void {
    const bot = this.app.running.bot!.bot;
    const handle = bot.handleUpdate.bind(bot);
    bot.handleUpdate = async (update, res) => {
      const cq = 'callback_query' in update ? update.callback_query : undefined;
      const tap = cq ? this.byCallback.get(cq.id) : undefined;
      if (tap) tap.botStart = performance.now();
      try {
        return await handle(update, res);
      } finally {
        if (tap) tap.botEnd = performance.now();
      }
    };
    const ctx = this.app.running.app;
    const jobs = ctx.jobs;
    const add = jobs.add.bind(jobs);
    jobs.add = (async (name, payload, opts) => {
      let tap: Tap | undefined;
      let kind: 'exec' | 'notify' | undefined;
      if (name === 'execution.run') {
        tap = this.byPick.get((payload as { pickId: string }).pickId);
        kind = 'exec';
        if (tap) {
          tap.approvalId = (payload as { approvalId: string }).approvalId;
          this.byApproval.set(tap.approvalId, tap);
        }
      } else if (name === 'notify.deliver') {
        const m = /^exec-(.+)-outcome$/.exec(opts?.jobId ?? '');
        tap = m ? this.byApproval.get(m[1]!) : undefined;
        kind = 'notify';
      }
      if (tap) tap[kind === 'exec' ? 'enqStart' : 'notifyEnqStart'] = performance.now();
      try {
        return await add(name, payload, opts);
      } finally {
        if (tap) tap[kind === 'exec' ? 'enqEnd' : 'notifyEnqEnd'] = performance.now();
      }
    }) as typeof jobs.add;
    const audit = ctx.audit;
    const append = audit.append.bind(audit);
    audit.append = async (event) => {
      const e = event as { action: string; approvalId?: unknown; pickId?: unknown };
      const tap =
        e.action === 'pick.approved' ? this.byPick.get(String(e.pickId)) : typeof e.approvalId === 'string' ? this.byApproval.get(e.approvalId) : undefined;
      const now = performance.now();
      if (tap) {
        if (e.action === 'pick.approved') tap.approvedAuditStart = now;
        else if (e.action === 'order.created') tap.created = now;
        else if (e.action === 'order.submitting') tap.submitting = now;
        else if (e.action === 'order.submitted') tap.submitted = now;
      }
      try {
        if (this.asyncAudit && (e.action === 'pick.approved' || e.action.startsWith('order.'))) {
          append(event).catch(() => undefined);
          return 0;
        }
        return await append(event);
      } finally {
        if (tap) {
          if (e.action === 'pick.approved') tap.approvedAuditEnd = performance.now();
          else if (/^order\.(filled|partially_filled|canceled|rejected|expired)$/.test(e.action)) tap.booked = performance.now();
        }
      }
    };
    const charts = ctx.charts;
    const render = charts.render.bind(charts);
    charts.render = async (spec) => {
      // The renderer is told only the chart: it belongs to the (first) booked tap not yet rendered.
      const tap = this.taps.find((t) => t.booked !== undefined && t.renderStart === undefined);
      if (tap) tap.renderStart = performance.now();
      try {
        if (tap && this.cachedChart) return await (this.chart ??= render(spec));
        return await render(spec);
      } finally {
        if (tap) tap.renderEnd = performance.now();
      }
    };
  }
}

/**
 * Shared helpers of the execution e2e tests (tests/e2e/execution): stored bars and picks with
 * known prices, pick cards posted the way /scan posts them, worker processes with broker
 * settings, an HTTP tap that can hold requests on their way to an emulator, and pollers.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { AppContext } from '../../src/app/context.js';
import { CALLBACK_ACTIONS, signCallback, type CallbackAction } from '../../src/bot/callback-data.js';
import { toSeries, type Bar } from '../../src/engine/bars.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import type { TelegramEmulator } from '../../src/dev/telegram/index.js';
import { weekdaySessions } from '../../src/adapters/market-data/synthetic/sessions.js';
import { pickCaption, pickChartSpec } from '../../src/bot/views/pick-card.js';
import { textOf, type Harness } from './harness.js';
import { pollUntil, sleep, spawnWorker, type WorkerEnv, type WorkerProcess } from '../e2e/resilience/support.js';

export { textOf, sleep };
/** {@link pollUntil}, under the name the execution tests use. */
export const until = pollUntil;


/** Alpaca credentials the emulators accept in these tests (not secrets). */
export const ALPACA_KEY_ID = 'PKE2EEXECUTION0001';
export const ALPACA_SECRET = 'e2e_execution_secret_do_not_log_01';

/** App env for BROKER=alpaca-paper against the trading and data emulators (or a tap in front of one). */
export function alpacaPaperEnv(tradingUrl: string, dataUrl: string): Record<string, string> {
  return { BROKER: 'alpaca-paper', APCA_API_KEY_ID: ALPACA_KEY_ID, APCA_API_SECRET_KEY: ALPACA_SECRET, ALPACA_TRADING_URL: tradingUrl, ALPACA_DATA_URL: dataUrl };
}


// ---------------------------------------------------------------------------------------------
// Database

export async function count(ds: DataSource, sql: string, params: unknown[] = []): Promise<number> {
  const r = (await ds.query(sql, params)) as { n: number | string }[];
  return Number(r[0]?.n ?? 0);
}

export interface ApprovalRow {
  id: string;
  pick_id: string;
  state: string;
  refused_gate: string | null;
  /** The recorded reason (a RecordedReason as stored: `{ code, ...figures }`), null when none. */
  reason_detail: { code: string; [figure: string]: unknown } | null;
  numbers: Record<string, number> | null;
}

export async function approvalOf(ds: DataSource, pickId: string): Promise<ApprovalRow | undefined> {
  const r = (await ds.query(`SELECT id, pick_id, state, refused_gate, reason_detail, numbers FROM approvals WHERE pick_id = $1`, [pickId])) as ApprovalRow[];
  return r[0];
}

export async function pickState(ds: DataSource, pickId: string): Promise<string | undefined> {
  const r = (await ds.query(`SELECT state FROM picks WHERE id = $1`, [pickId])) as { state: string }[];
  return r[0]?.state;
}

/** Waits until the pick's approval reaches one of `states` (terminal ones by default). */
export async function approvalSettled(ds: DataSource, pickId: string, timeoutMs: number, states = ['filled', 'partially_filled', 'not_filled', 'refused', 'failed'], extra?: () => string): Promise<ApprovalRow> {
  return until(
    `the approval of pick ${pickId} to reach ${states.join('/')}`,
    async () => {
      const a = await approvalOf(ds, pickId);
      return a && states.includes(a.state) ? a : undefined;
    },
    timeoutMs,
    100,
    extra,
  );
}

/**
 * Daily bars ending at `endDate`, gently zig-zagging around `close` (the last close is exactly
 * `close`), with constant volume: the stored-bar quote is then close ± half the spread and the
 * average daily dollar volume is close × volume.
 */
export function flatBars(endDate: string, n: number, close: number, volume = 1_000_000): Bar[] {
  return weekdaySessions(endDate, n).map((date, i) => {
    const c = i === n - 1 ? close : Math.round(close * (1 + 0.004 * Math.sin(i / 3)) * 100) / 100;
    const o = Math.round(c * (1 - 0.002 * Math.cos(i / 2)) * 100) / 100;
    return { date, open: o, high: Math.round(Math.max(o, c) * 1.006 * 100) / 100, low: Math.round(Math.min(o, c) * 0.994 * 100) / 100, close: c, volume };
  });
}

/** The last weekday on or before `now` (UTC), YYYY-MM-DD. */
export function lastWeekday(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Stores `flatBars` for each symbol (close given per symbol); returns the bars. */
export async function seedBars(app: AppContext, closes: Record<string, number>, opts: { sessions?: number; endDate?: string; volume?: number } = {}): Promise<Map<string, Bar[]>> {
  const end = opts.endDate ?? lastWeekday();
  const out = new Map<string, Bar[]>();
  for (const [symbol, close] of Object.entries(closes)) out.set(symbol, flatBars(end, opts.sessions ?? 60, close, opts.volume));
  await app.bars.writeBars(
    [...out.entries()].map(([symbol, bars]) => ({ symbol, bars })),
    { source: 'e2e-execution', demo: false },
  );
  return out;
}

let pickSeq = 0;
/**
 * A position as an executed entry leaves it, in the donchian strategy: held at the paper broker
 * and in our books, with a stop 10 % under the cost (to the cent).
 */
export async function holdPosition(ds: DataSource, symbol: string, qty: number, cost: number): Promise<void> {
  await ds.query(`INSERT INTO paper_positions (symbol, qty, avg_cost) VALUES ($1, $2, $3)`, [symbol, qty, cost]);
  await ds.query(`INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, time_stop_date, updated_at) VALUES ($1, 'donchian', $2, $3, now(), $4, NULL, now())`, [
    symbol,
    qty,
    cost,
    Math.round(cost * 0.9 * 100) / 100,
  ]);
}

/** The inline buttons of a message event (flattened), as text and callback data. */
export function buttonsOfEvent(e: OutboxEvent | undefined): { text: string; callback_data: string }[] {
  return (e?.message?.reply_markup?.inline_keyboard.flat() ?? []) as { text: string; callback_data: string }[];
}

/** Session dates of inserted picks: distinct within a test process (unique per session, symbol, strategy). */
const PICK_DAY_BASE = Math.floor(Math.random() * 20_000);

export interface PickSpec {
  symbol: string;
  entry: number;
  stop?: number;
  qty?: number;
  expiresAt?: Date;
  strategy?: 'donchian' | 'turtle_soup';
  /** Distinct picks of one symbol need distinct session dates (unique per session, symbol, strategy). */
  sessionDate?: string;
}

/** Inserts a PENDING pick (and its scan run) as /scan would store it; returns its id. */
export async function insertPick(ds: DataSource, p: PickSpec): Promise<string> {
  await ds.query(
    `INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ('e2e-exec-run', 1, 1, CURRENT_DATE, '{donchian,turtle_soup}', 'done', 1, false)
     ON CONFLICT (id) DO NOTHING`,
  );
  pickSeq++;
  const id = `p${randomBytes(4).toString('hex')}${pickSeq}`;
  const day = p.sessionDate ?? new Date(Date.UTC(2001, 0, 1) + (PICK_DAY_BASE + pickSeq) * 86_400_000).toISOString().slice(0, 10);
  await ds.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at)
     VALUES ($1, 'e2e-exec-run', $2, $3, $4, $5, $6, NULL, 1, 1, $7, $8, '["e2e"]', false, $9)`,
    [
      id,
      day,
      p.symbol,
      p.strategy ?? 'donchian',
      p.entry,
      p.stop ?? Math.round(p.entry * 0.95 * 100) / 100,
      p.qty ?? 10,
      (p.qty ?? 10) * (p.entry - (p.stop ?? p.entry * 0.95)),
      p.expiresAt ?? new Date(Date.now() + 30 * 60_000),
    ],
  );
  return id;
}

// ---------------------------------------------------------------------------------------------
// Pick cards and buttons

/** Signed button data, exactly as the card's buttons carry it. */
export function buttonData(key: Buffer, action: CallbackAction, pickId: string, expiresAtMs: number): string {
  return signCallback(key, action, pickId, expiresAtMs);
}

/** Button data with a valid MAC over any body (e.g. an action the bot does not know). */
export function macSigned(key: Buffer, body: string): string {
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url').slice(0, 16)}`;
}

export interface PostedCard {
  messageId: number;
  approve: string;
  reject: string;
  event: OutboxEvent;
}

/**
 * Posts a pick card (chart photo, caption, signed ✅/✖ buttons, message ref `pick:<id>`) to a
 * chat through the Outbox and the notify worker, the way the scan flow does; waits for it.
 * `buttonExpiresAt` defaults to the pick's own expiry, as on real cards.
 */
export async function postCard(app: AppContext, em: TelegramEmulator, chatId: number, pickId: string, bars: Bar[], opts: { buttonExpiresAt?: Date } = {}): Promise<PostedCard> {
  const pick = await app.picks.get(pickId);
  if (!pick) throw new Error(`pick ${pickId} not found`);
  const png = await app.charts.render(pickChartSpec(pick, toSeries(pick.symbol, bars)));
  const key = app.config.telegram.callbackKey;
  const exp = (opts.buttonExpiresAt ?? pick.expiresAt).getTime();
  const approve = buttonData(key, CALLBACK_ACTIONS.approvePick, pick.id, exp);
  const reject = buttonData(key, CALLBACK_ACTIONS.rejectPick, pick.id, exp);
  const after = em.lastSeq;
  const op = await app.notifier.photoOp(png, pickCaption(pick, 'soon'), [[{ text: '✅ Approve', callback_data: approve }, { text: '✖ Reject', callback_data: reject }]], `pick:${pick.id}`);
  await app.notifier.deliver(chatId, [op], 'scan-cards', `e2e-card-${pick.id}`);
  const event = await em.waitFor((e) => e.method === 'sendPhoto' && e.chat_id === chatId && textOf(e).includes(`pick ${pick.id}`), 20_000, { afterSeq: after });
  return { messageId: event.message_id!, approve, reject, event };
}

/** Every event of a chat after `afterSeq` that is already recorded. */
export async function eventsAfter(em: TelegramEmulator, chatId: number, afterSeq: number): Promise<OutboxEvent[]> {
  return em.events({ chatId, afterSeq, limit: 10_000 });
}

export async function answersTo(em: TelegramEmulator, chatId: number, afterSeq: number): Promise<OutboxEvent[]> {
  return (await eventsAfter(em, chatId, afterSeq)).filter((e) => e.method === 'answerCallbackQuery');
}

/** Sent messages (text or photo) of a chat after `afterSeq` whose text matches. */
export async function messagesMatching(em: TelegramEmulator, chatId: number, afterSeq: number, re: RegExp): Promise<OutboxEvent[]> {
  return (await eventsAfter(em, chatId, afterSeq)).filter((e) => (e.method === 'sendMessage' || e.method === 'sendPhoto') && re.test(textOf(e)));
}

export function waitMessage(em: TelegramEmulator, chatId: number, afterSeq: number, re: RegExp, timeoutMs: number): Promise<OutboxEvent> {
  return em.waitFor((e) => (e.method === 'sendMessage' || e.method === 'sendPhoto') && e.chat_id === chatId && re.test(textOf(e)), timeoutMs, { afterSeq });
}

/**
 * Sends `text` as `user` and returns the first message in their chat matching `re` (sent or
 * edited, text or caption); on a timeout the error lists what the chat got instead.
 */
export async function replyTo(h: Harness, user: number, text: string, re: RegExp, timeoutMs = 10_000): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: user, text, firstName: `U${user}` });
  return waitMessage(h.emulator, user, after, re, timeoutMs).catch(async (err: Error) => {
    const got = (await h.emulator.events({ chatId: user, afterSeq: after })).map((e) => `${e.method}: ${textOf(e).slice(0, 300)}`);
    throw new Error(`no reply matching ${re} to ${text}: ${err.message}\n${got.join('\n')}`);
  });
}

/** Presses a button in `user`'s private chat and returns the callback answer. */
export async function pressAnswer(h: Harness, user: number, messageId: number, data: string, timeoutMs = 10_000): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  const { callback_query_id } = h.emulator.pressButton({ userId: user, chatId: user, messageId, data, firstName: `U${user}` });
  return h.emulator.waitFor((e) => e.method === 'answerCallbackQuery' && e.callback_query_id === callback_query_id, timeoutMs, { afterSeq: after });
}

/**
 * Sends a command and waits for the bot's reply matching `re` (other messages, e.g. a worker's
 * confirmations arriving meanwhile, are skipped).
 */
export async function command(h: Harness, userId: number, text: string, re: RegExp, timeoutMs = 10_000): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId, text, firstName: `User${userId}` });
  return h.emulator
    .waitFor((e) => e.method === 'sendMessage' && e.chat_id === userId && re.test(textOf(e)), timeoutMs, { afterSeq: after })
    .catch(async (err: Error) => {
      const got = (await h.emulator.events({ chatId: userId, afterSeq: after })).map((e) => `${e.method}: ${textOf(e).slice(0, 200)}`);
      throw new Error(`no reply matching ${re} to ${JSON.stringify(text)}: ${err.message}
events: ${got.join('\n')}`);
    });
}

// ---------------------------------------------------------------------------------------------
// Worker processes (`courtside start --role worker`) with broker settings

/** A worker process; see spawnWorker in tests/e2e/resilience/support.ts. */
export type ExecWorker = WorkerProcess;
export type ExecWorkerEnv = WorkerEnv & { allowed: string };

/** Spawns `courtside start --role worker` with broker settings in `env`. */
export function spawnExecWorker(e: ExecWorkerEnv): ExecWorker {
  return spawnWorker(e);
}

/** Waits until the worker process wrote its heartbeat (its role has started). */
export async function execWorkerReady(w: ExecWorker, ds: DataSource, timeoutMs = 40_000): Promise<void> {
  await until(
    `worker pid ${w.pid} to start`,
    async () => {
      if (!w.alive) throw new Error(`worker pid ${w.pid} exited during start-up:\n${w.output()}`);
      const rows = (await ds.query(`SELECT 1 FROM heartbeats WHERE role = 'worker' AND pid = $1`, [w.pid])) as unknown[];
      return rows.length > 0 ? true : undefined;
    },
    timeoutMs,
    100,
    () => `worker output:\n${w.output()}`,
  );
}

// ---------------------------------------------------------------------------------------------
// HTTP tap: a pass-through proxy in front of an emulator that records arrivals and can hold
// matching requests (the client waits, as if the upstream were slow) until released.

export interface TapArrival {
  method: string;
  path: string;
  at: number;
  held: boolean;
}

export interface HttpTap {
  readonly url: string;
  readonly arrivals: TapArrival[];
  /** From now on, requests for which `pred` is true wait until {@link release}. */
  hold(pred: (method: string, path: string) => boolean): void;
  /** Requests waiting right now. */
  heldCount(): number;
  /** Stops holding and forwards every waiting request (answers to departed clients are dropped). */
  release(): void;
  close(): Promise<void>;
}

export async function startHttpTap(upstream: string): Promise<HttpTap> {
  const target = new URL(upstream);
  const arrivals: TapArrival[] = [];
  let pred: ((method: string, path: string) => boolean) | null = null;
  let waiting: (() => void)[] = [];

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (res.destroyed || req.socket.destroyed) return;
    const up = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (ures) => {
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        ures.pipe(res);
      },
    );
    up.on('error', () => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(502);
        res.end();
      } else res.destroy();
    });
    up.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://tap').pathname;
      const hold = pred !== null && pred(req.method ?? 'GET', path);
      arrivals.push({ method: req.method ?? 'GET', path, at: Date.now(), held: hold });
      const go = () => forward(req, res, Buffer.concat(chunks));
      if (hold) waiting.push(go);
      else go();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    hold(p) {
      pred = p;
    },
    heldCount: () => waiting.length,
    release() {
      pred = null;
      const w = waiting;
      waiting = [];
      for (const go of w) go();
    },
    close: () =>
      new Promise<void>((r) => {
        waiting = [];
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/**
 * Issue 15, item 6: "Queue for the open" for KR. A KR pick queued at 20:00 KST is a Postgres row
 * of market KR for the next KRX session (Seoul date), sent at KRX's continuous-session open + 1 min
 * and expired at open + 30 min; a NYSE-open run never releases it; a late open (the rule calendar's
 * CSAT day, or a run-time override declared after the order was queued) moves it; a queued KR
 * sale is sold once on the KR paper book at the KRX open; /kill cancels queued rows of both
 * markets. The open queue handler runs for real on a KR lane (paper-KR), as execution-markets does.
 */
import type { Job } from 'bullmq';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executionHandlers, type ExecutionQueueDeps, type MarketLane } from '../../../../src/jobs/handlers/execution.js';
import { closeHandlers, dispatchQueuedClose } from '../../../../src/jobs/handlers/close.js';
import { KRX_IOC_HOURS, krxHoursWithOverrides } from '../../../../src/engine/krx-hours.js';
import { EXCHANGE_HOURS, queueWindow } from '../../../../src/engine/market-hours.js';
import type { CalendarOverride } from '../../../../src/engine/calendar/overrides.js';
import type { JobRun } from '../../../../src/jobs/worker-runtime.js';
import type { TableSession } from '../../../../src/adapters/db/port.js';
import { SESSION_CLOSED_BY, cancelAllQueued, queueEntry, queueExit, queueFlatten, type QueueDeps } from '../../../../src/trading/queue/queued-orders.js';
import { queuedExpiredText } from '../../../../src/bot/views/queue-view.js';
import { makeExitsWorld, type ExitsWorld } from '../execution/exits-setup.js';
import { krBook, type KrBook } from '../execution/kr-support.js';

/** Mon 2025-07-07 20:00 KST: KRX closed; the next KRX session is Tue 2025-07-08, 09:00 KST = 00:00Z. */
const KST_2000 = new Date('2025-07-07T11:00:00Z');
const KST_2030 = new Date('2025-07-07T11:30:00Z');
/** Mon 2025-07-07 09:31 ET (22:31 KST): the NYSE open + 1 min, KRX closed. */
const NYSE_0931 = new Date('2025-07-07T13:31:05Z');
const KRX_0901 = new Date('2025-07-08T00:01:05Z');
const KRX_0930 = new Date('2025-07-08T00:30:05Z');
const KRX_1001 = new Date('2025-07-08T01:01:05Z');

const log = pino({ level: 'silent' });
const run = (id: string): JobRun => ({ job: { id } as Job, log, token: undefined, worker: undefined as never });

let w: ExitsWorld;
let kr: KrBook;
let now: Date;
let jobs: { name: string; data: Record<string, unknown>; jobId: string }[];
let published: { chatId: number; kind: string; order?: { id: string; market: string } }[];
let overrides: CalendarOverride[];
/** Set: the overrides port throws (Postgres unreadable), as the shared reader would. */
let overridesFail: boolean;
let audits: { action: string; reason?: string; queuedId?: string }[];
/** `closedBy` of each published order (the view words a closure by it). */
let closedBys: (string | null | undefined)[];

beforeEach(async () => {
  w = await makeExitsWorld();
  kr = krBook(w);
  now = KST_2000;
  jobs = [];
  published = [];
  overrides = [];
  overridesFail = false;
  audits = [];
  closedBys = [];
});

afterEach(async () => {
  await w?.close();
});

/** A KR pick (069500, ₩35,000) made from the previous close, PENDING until `expiresAt`. */
async function krPick(expiresAt = new Date('2025-07-08T00:30:00Z')): Promise<string> {
  await w.ds.query(`INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo, market) VALUES ('kr-run', 1, 1, '2025-07-07', '{donchian}', 'done', 1, false, 'KR') ON CONFLICT (id) DO NOTHING`);
  const id = `pkr${Math.random().toString(36).slice(2, 8)}`;
  await w.ds.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at, market, currency)
     VALUES ($1, 'kr-run', '2025-07-07', '069500', 'donchian', 35000, 34000, NULL, 300, 1, 10, 10000, '["test"]', false, $2, 'KR', 'KRW')`,
    [id, expiresAt],
  );
  return id;
}

/** The KR queue as the bot runs it: KRX's continuous session (overrides applied), Seoul dates. */
function krQueue(): QueueDeps {
  return { db: w.uow() as unknown as TableSession, hours: krxHoursWithOverrides(KRX_IOC_HOURS, overrides), now: () => now, market: 'KR' };
}

function handlerDeps(): ExecutionQueueDeps {
  const krLane = { broker: kr.broker, marketHours: KRX_IOC_HOURS, exits: kr.deps({ now: () => now }), marks: {}, reconcile: {}, execution: { logger: log } } as unknown as MarketLane;
  const deps = {
    db: w.uow(),
    broker: w.paper(),
    kr: krLane,
    marketHours: EXCHANGE_HOURS,
    now: () => now,
    calendarOverrides: {
      forExchange: async () => {
        if (overridesFail) throw new Error('overrides unreadable (test)');
        return overrides;
      },
    },
    exits: w.exitDeps({ now: () => now }),
    execution: { logger: log },
    audit: {
      append: async (e: { action: string; reason?: string; queuedId?: string }) => {
        audits.push({ action: e.action, ...(e.reason ? { reason: e.reason } : {}), ...(e.queuedId ? { queuedId: e.queuedId } : {}) });
        return 1;
      },
    },
    alerts: { raise: async () => undefined, resolve: async () => undefined },
    circuit: { checkRejections: async () => ({ kind: 'ok' }), checkSessionLoss: async () => ({ kind: 'ok' }) },
    picks: { get: async () => null },
    publisher: {
      publish: async (chatId: number, n: { kind: string; order?: { id: string; market: string; closedBy?: string | null } }) => {
        if (n.order) closedBys.push(n.order.closedBy);
        published.push({ chatId, kind: n.kind, ...(n.order ? { order: { id: n.order.id, market: n.order.market } } : {}) });
        return { kind: 'queued' };
      },
    },
    jobs: {
      add: async (name: string, data: Record<string, unknown>, opts: { jobId: string }) => {
        jobs.push({ name, data, jobId: opts.jobId });
      },
    },
  } as unknown as ExecutionQueueDeps;
  deps.dispatchQueuedClose = dispatchQueuedClose(deps.jobs);
  return deps;
}

type OpenQueueResult = { expired: string[]; sent: string[]; moved?: string[]; krSkipped?: string };
async function openQueue(at: Date): Promise<OpenQueueResult> {
  now = at;
  return (await executionHandlers(handlerDeps())['execution.open_queue']({}, run(`oq-${at.toISOString()}`))) as OpenQueueResult;
}

const row = async (id: string) =>
  (
    (await w.ds.query(`SELECT market, state, to_char(session_date, 'YYYY-MM-DD') AS day, send_at, expires_at FROM queued_orders WHERE id = $1`, [id])) as {
      market: string;
      state: string;
      day: string;
      send_at: Date;
      expires_at: Date;
    }[]
  )[0];

describe('the KR open queue', () => {
  it('a KR pick queued at 20:00 KST waits in Postgres, is not released at the NYSE open, and goes once at the KRX open + 1 min', async () => {
    const pickId = await krPick();
    const first = await queueEntry(krQueue(), { pickId, userId: 1, role: 'admin', chatId: 7 });
    expect(first.kind).toBe('queued');
    if (first.kind !== 'queued') return;
    const id = first.order.id;
    expect(first.order.market).toBe('KR');
    expect(await row(id)).toMatchObject({ market: 'KR', state: 'QUEUED', day: '2025-07-08' });
    expect((await row(id))!.send_at.toISOString()).toBe('2025-07-08T00:01:00.000Z'); // 09:01 KST
    expect((await row(id))!.expires_at.toISOString()).toBe('2025-07-08T00:30:00.000Z'); // 09:30 KST
    // A double tap finds the pick decided: still one row and one approval.
    const second = await queueEntry(krQueue(), { pickId, userId: 1, role: 'admin', chatId: 7 });
    expect(second.kind).toBe('already_decided');
    expect(await w.count(`SELECT count(*)::int AS n FROM queued_orders WHERE pick_id = $1`, [pickId])).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1`, [pickId])).toBe(1);

    // Nothing goes while KRX is closed, nor at the NYSE open (KR rows wait for KRX's hours).
    expect(await openQueue(KST_2030)).toEqual({ expired: [], sent: [] });
    expect(await openQueue(NYSE_0931)).toEqual({ expired: [], sent: [] });
    expect(jobs).toEqual([]);
    expect((await row(id))!.state).toBe('QUEUED');

    // 09:01 KST: released to the order path (the KR lane picks it up by the pick's market), keyed by the approval.
    expect(await openQueue(KRX_0901)).toEqual({ expired: [], sent: [id] });
    expect((await row(id))!.state).toBe('SENT');
    expect(jobs.map((j) => [j.name, j.jobId])).toEqual([['execution.run', `exec-${first.order.approvalId}`]]);
    expect(await w.count(`SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1 AND state = 'approved'`, [pickId])).toBe(1);
    // A second run hands the same row on under the same job id: BullMQ runs it once.
    await openQueue(new Date(KRX_0901.getTime() + 60_000));
    expect(new Set(jobs.map((j) => j.jobId))).toEqual(new Set([`exec-${first.order.approvalId}`]));
  });

  it('a queued KR order not sent by the KRX open + 30 min expires, and the chat is told in KST', async () => {
    const pickId = await krPick();
    const q = await queueEntry(krQueue(), { pickId, userId: 1, role: 'admin', chatId: 7 });
    if (q.kind !== 'queued') throw new Error(q.kind);
    expect(await openQueue(KRX_0930)).toEqual({ expired: [q.order.id], sent: [] });
    expect(published).toEqual([{ chatId: 7, kind: 'queue.expired', order: { id: q.order.id, market: 'KR' } }]);
    expect(jobs).toEqual([]);
    const text = queuedExpiredText({ ...q.order, state: 'EXPIRED' }).text;
    expect(text).toContain('was not sent by Tue Jul 8 09:30 KST');
    expect(text).not.toMatch(/\bET\b|\$/);
    expect(await w.count(`SELECT count(*)::int AS n FROM picks WHERE id = $1 AND state = 'EXPIRED'`, [pickId])).toBe(1);
  });

  it('a late open declared after the order was queued moves it: not expired at 09:30, sent at the new open + 1 min', async () => {
    const pickId = await krPick(new Date('2025-07-08T01:30:00Z'));
    const q = await queueEntry(krQueue(), { pickId, userId: 1, role: 'admin', chatId: 7 });
    if (q.kind !== 'queued') throw new Error(q.kind);
    overrides = [{ exchange: 'XKRX', date: '2025-07-08', kind: 'late_open', openTime: '10:00', reason: 'test late open' }];
    // 09:01 KST: KRX is not open today until 10:00; the row moves to 10:01 / 10:30.
    expect(await openQueue(KRX_0901)).toEqual({ expired: [], sent: [], moved: [q.order.id] });
    expect((await row(q.order.id))!.send_at.toISOString()).toBe('2025-07-08T01:01:00.000Z');
    expect((await row(q.order.id))!.expires_at.toISOString()).toBe('2025-07-08T01:30:00.000Z');
    expect(await openQueue(KRX_0930)).toEqual({ expired: [], sent: [] });
    expect(await openQueue(KRX_1001)).toEqual({ expired: [], sent: [q.order.id] });
    expect(jobs.map((j) => j.name)).toEqual(['execution.run']);
  });

  it('queued while the late open is known, the window is the late open; the rule calendar\'s CSAT day opens at 10:00 too', async () => {
    overrides = [{ exchange: 'XKRX', date: '2025-07-08', kind: 'late_open', openTime: '10:00', reason: 'test late open' }];
    const pickId = await krPick(new Date('2025-07-08T01:30:00Z'));
    const q = await queueEntry(krQueue(), { pickId, userId: 1, role: 'admin', chatId: 7 });
    if (q.kind !== 'queued') throw new Error(q.kind);
    expect(q.order.sendAt.toISOString()).toBe('2025-07-08T01:01:00.000Z');
    // 2026-11-19 is the CSAT day: KRX opens at 10:00 KST by its rules.
    const csat = queueWindow(KRX_IOC_HOURS, Date.parse('2026-11-18T11:00:00Z'));
    expect(csat).toMatchObject({ sessionDate: '2026-11-19' });
    expect(csat!.sendAt.toISOString()).toBe('2026-11-19T01:01:00.000Z');
    expect(csat!.expiresAt.toISOString()).toBe('2026-11-19T01:30:00.000Z');
  });

  it('a KR sale queued at 20:00 KST is sold once on the KR paper book at the KRX open', async () => {
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: null });
    const q = await queueExit(krQueue(), { symbol: '069500', strategy: 'donchian', qty: 5, userId: 1, role: 'admin', chatId: 7 });
    expect(q.kind).toBe('queued');
    if (q.kind !== 'queued') return;
    expect(q.order).toMatchObject({ market: 'KR', sessionDate: '2025-07-08', kind: 'close', symbol: '069500' });
    // A second request answers with the first.
    const again = await queueExit(krQueue(), { symbol: '069500', strategy: 'donchian', qty: 5, userId: 1, role: 'admin', chatId: 7 });
    expect(again).toMatchObject({ kind: 'already_queued', order: { id: q.order.id } });
    // The US queue refuses a KRX code outright (it would wait for the wrong open).
    await expect(queueExit({ ...krQueue(), market: 'US', hours: EXCHANGE_HOURS }, { symbol: '069500', strategy: 'donchian', qty: 5, userId: 1, role: 'admin', chatId: 7 })).rejects.toThrow(/not a US symbol/);

    expect(await openQueue(NYSE_0931)).toEqual({ expired: [], sent: [] });
    expect(await openQueue(KRX_0901)).toEqual({ expired: [], sent: [q.order.id] });
    expect(jobs.map((j) => [j.name, j.jobId, j.data.day])).toEqual([['execution.close', `close-${q.order.id}`, '2025-07-08']]);
    // The close job, run on the KR lane at 09:01 KST (twice: a retry), sells once.
    w.quotes.set('069500', { bid: 35_100, ask: 35_105, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T00:01:00Z' });
    kr.at(KRX_0901);
    const close = closeHandlers({ ...handlerDeps(), kr: { broker: kr.broker, exits: kr.deps({ now: () => KRX_0901 }), marketHours: KRX_IOC_HOURS } } as never)['execution.close'];
    const payload = jobs[0]!.data as Parameters<typeof close>[0];
    await close(payload, run(jobs[0]!.jobId));
    await close(payload, run(jobs[0]!.jobId));
    expect(await kr.krSells()).toBe(1);
    expect((await w.position('069500'))?.qty).toBe(0);
  });

  it('a KR flatten is queued per market and handed on for the KR book only', async () => {
    const epoch = (await w.killSwitch.engage('test', 1)).epoch!;
    const krF = await queueFlatten(krQueue(), { killEpoch: epoch, userId: 1, role: 'admin', chatId: 7 });
    const usF = await queueFlatten({ ...krQueue(), market: 'US', hours: EXCHANGE_HOURS }, { killEpoch: epoch, userId: 1, role: 'admin', chatId: 7 });
    expect(krF).toMatchObject({ kind: 'queued', order: { market: 'KR', kind: 'flatten', sessionDate: '2025-07-08' } });
    // One per market and epoch: the US one is its own row, for the NYSE session (New York date).
    expect(usF).toMatchObject({ kind: 'queued', order: { market: 'US', kind: 'flatten', sessionDate: '2025-07-07' } });
    expect(await openQueue(KRX_0901)).toMatchObject({ sent: [krF.kind === 'queued' ? krF.order.id : ''] });
    expect(jobs.map((j) => [j.name, j.data.market])).toEqual([['execution.flatten', 'KR']]);
  });

  it('/kill cancels queued rows of both markets', async () => {
    const pickId = await krPick();
    const krQ = await queueEntry(krQueue(), { pickId, userId: 1, role: 'admin', chatId: 7 });
    await w.hold({ symbol: 'AAA', qty: 10, price: 10 });
    const usQ = await queueExit({ ...krQueue(), market: 'US', hours: EXCHANGE_HOURS }, { symbol: 'AAA', strategy: 'donchian', qty: 10, userId: 1, role: 'admin', chatId: 7 });
    if (krQ.kind !== 'queued' || usQ.kind !== 'queued') throw new Error('not queued');
    const dropped = await cancelAllQueued({ db: w.uow(), now: () => now }, 'kill:1');
    expect(dropped.map((q) => [q.id, q.market]).sort()).toEqual([
      [krQ.order.id, 'KR'],
      [usQ.order.id, 'US'],
    ].sort());
    expect(await w.count(`SELECT count(*)::int AS n FROM picks WHERE id = $1 AND state = 'CANCELLED'`, [pickId])).toBe(1);
    expect(await openQueue(KRX_0901)).toEqual({ expired: [], sent: [] });
    expect(jobs).toEqual([]);
  });
  it('a closure declared for the row\'s KRX day expires the queued entry (never moved to the next session) and tells its chat', async () => {
    const pickId = await krPick(new Date('2025-07-09T00:30:00Z'));
    const q = await queueEntry(krQueue(), { pickId, userId: 1, role: 'admin', chatId: 7 });
    if (q.kind !== 'queued') throw new Error(q.kind);
    expect(q.order.sessionDate).toBe('2025-07-08');
    // Declared after the order was queued: Tue 2025-07-08 is closed. The trader approved Tuesday's open, not Wednesday's.
    overrides = [{ exchange: 'XKRX', date: '2025-07-08', kind: 'close', openTime: null, reason: 'test closure' }];
    const at = KST_2030;
    expect(await openQueue(at)).toEqual({ expired: [q.order.id], sent: [] });
    const r = (await row(q.order.id))!;
    expect(r).toMatchObject({ state: 'EXPIRED', day: '2025-07-08' });
    // Not moved: its window is still Tuesday's, and the row says why it ended before it.
    expect(r.send_at.toISOString()).toBe('2025-07-08T00:01:00.000Z');
    expect(await w.count(`SELECT count(*)::int AS n FROM queued_orders WHERE id = $1 AND closed_by = $2 AND closed_at = $3`, [q.order.id, SESSION_CLOSED_BY, at])).toBe(1);
    expect(published).toEqual([{ chatId: 7, kind: 'queue.expired', order: { id: q.order.id, market: 'KR' } }]);
    expect(audits).toContainEqual({ action: 'order.queue_expired', reason: 'session_closed', queuedId: q.order.id });
    expect(closedBys).toEqual([SESSION_CLOSED_BY]);
    expect(await w.count(`SELECT count(*)::int AS n FROM picks WHERE id = $1 AND state = 'EXPIRED'`, [pickId])).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM approvals WHERE pick_id = $1 AND state = 'expired'`, [pickId])).toBe(1);
    // Wednesday's open sends nothing.
    expect(await openQueue(new Date('2025-07-09T00:01:05Z'))).toEqual({ expired: [], sent: [] });
    expect(jobs).toEqual([]);
  });

  it('overrides that cannot be read skip the KR rewind, release and expiry for the run; the next run catches up', async () => {
    const pickId = await krPick(new Date('2025-07-08T01:30:00Z'));
    const q = await queueEntry(krQueue(), { pickId, userId: 1, role: 'admin', chatId: 7 });
    if (q.kind !== 'queued') throw new Error(q.kind);
    // A late open to 10:00 is declared, but the overrides cannot be read at 09:01 or 09:30: the rule hours
    // would send it at 09:01 (KRX not open yet) and expire it at 09:30, so nothing KR happens in those runs.
    overrides = [{ exchange: 'XKRX', date: '2025-07-08', kind: 'late_open', openTime: '10:00', reason: 'test late open' }];
    overridesFail = true;
    expect(await openQueue(KRX_0901)).toEqual({ expired: [], sent: [], krSkipped: 'calendar_overrides_unreadable' });
    expect(await openQueue(KRX_0930)).toEqual({ expired: [], sent: [], krSkipped: 'calendar_overrides_unreadable' });
    expect((await row(q.order.id))!.state).toBe('QUEUED');
    expect(published).toEqual([]);
    expect(jobs).toEqual([]);
    // Readable again at 09:45: the row moves to the late open (10:01 / 10:30) and goes at 10:01.
    overridesFail = false;
    expect(await openQueue(new Date('2025-07-08T00:45:05Z'))).toEqual({ expired: [], sent: [], moved: [q.order.id] });
    expect(await openQueue(KRX_1001)).toEqual({ expired: [], sent: [q.order.id] });
    expect(jobs.map((j) => j.name)).toEqual(['execution.run']);
  });

  it('overrides that cannot be read do not hold back the US queue: a US row past its expiry still expires', async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10 });
    const usQ = await queueExit({ ...krQueue(), market: 'US', hours: EXCHANGE_HOURS }, { symbol: 'AAA', strategy: 'donchian', qty: 10, userId: 1, role: 'admin', chatId: 7 });
    if (usQ.kind !== 'queued') throw new Error(usQ.kind);
    overridesFail = true;
    // Mon 2025-07-07 10:00:05 ET: the US row's open + 30 min has passed.
    expect(await openQueue(new Date('2025-07-07T14:00:05Z'))).toEqual({ expired: [usQ.order.id], sent: [], krSkipped: 'calendar_overrides_unreadable' });
  });
});

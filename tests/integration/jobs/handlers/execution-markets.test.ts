/**
 * Issue 15: the executions queue's handlers per market. `execution.exits` / `execution.mark`
 * with market KR run on the KR lane (its broker, its book, KRX sessions) and leave the US book
 * alone; absent market = US. `/kill flatten` flattens both lanes, each on its own broker, one
 * reply per market under its own outbox key.
 */
import type { Job } from 'bullmq';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executionHandlers, type ExecutionQueueDeps, type MarketLane } from '../../../../src/jobs/handlers/execution.js';
import { KRX_IOC_HOURS } from '../../../../src/engine/krx-hours.js';
import type { JobRun } from '../../../../src/jobs/worker-runtime.js';
import type { ExitDeps } from '../../../../src/trading/execution/exits.js';
import { makeExitsWorld, type ExitsWorld } from '../../trading/execution/exits-setup.js';
import { KST, krBook, type KrBook } from '../../trading/execution/kr-support.js';

let w: ExitsWorld;
let kr: KrBook;
let published: { chatId: number; kind: string; symbols: string[]; key: string }[];
let lossChecks: string[];

beforeEach(async () => {
  w = await makeExitsWorld();
  kr = krBook(w);
  kr.at(KST.midday);
  published = [];
  lossChecks = [];
});

afterEach(async () => {
  await w?.close();
});

const log = pino({ level: 'silent' });
const run = (id: string): JobRun => ({ job: { id } as Job, log, token: undefined, worker: undefined as never });

/**
 * The queue's deps with stand-ins for what these handlers only report to. The US lane's
 * exits ignore the session (`requireOpenSession: false`): a KR job wrongly run on the US lane
 * would sell the US position under its stop, so "US left alone" is a real check.
 */
function queueDeps(o: { now?: Date } = {}): ExecutionQueueDeps {
  const usExits: ExitDeps = w.exitDeps({ now: () => KST.midday, limits: { requireOpenSession: false } });
  const krLane = {
    broker: kr.broker,
    // KRX's order hours (IOC only in the continuous session); the handler's clock is `o.now` (default KST.midday).
    marketHours: KRX_IOC_HOURS,
    exits: kr.deps(),
    marks: { db: w.uow(), market: 'KR', broker: kr.broker, startingCash: 100_000_000, now: () => KST.midday },
  } as unknown as MarketLane;
  const deps = {
    db: w.uow(),
    broker: w.paper(),
    kr: krLane,
    now: () => o.now ?? KST.midday,
    exits: usExits,
    marks: { db: w.uow(), startingCash: 100_000 },
    execution: { logger: log },
    alerts: { raise: async () => undefined, resolve: async () => undefined },
    circuit: {
      checkRejections: async () => ({ kind: 'ok' }),
      checkSessionLoss: async (broker: string) => {
        lossChecks.push(broker);
        return { kind: 'ok' };
      },
    },
    fillRecipients: async () => [{ chatId: 42, silent: false }],
    publisher: {
      publish: async (chatId: number, n: { kind: string; outcomes?: { symbol: string }[] }, o: { key: string }) => {
        published.push({ chatId, kind: n.kind, symbols: (n.outcomes ?? []).map((x) => x.symbol), key: o.key });
        return { kind: 'queued' };
      },
    },
  };
  return deps as unknown as ExecutionQueueDeps;
}

/** Engages the kill switch (as /kill does before a flatten) and returns its epoch. */
async function engagedEpoch(): Promise<number> {
  const epoch = (await w.killSwitch.engage('test', 1)).epoch;
  if (epoch === null) throw new Error('the kill switch gave no epoch');
  return epoch;
}

const quoteUnderStops = () => {
  w.quote('AAA', 9.4);
  w.quotes.set('069500', { bid: 34_400, ask: 34_405, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T02:00:00Z' });
};

describe('execution handlers per market', () => {
  it("'execution.exits' with market KR sells the KR position on the KR lane and leaves the US position under its stop alone", async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: 9.5 });
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: 34_500 });
    quoteUnderStops();
    const h = executionHandlers(queueDeps());
    const res = await h['execution.exits']({ slotKey: 'sched-kr-exits-1510-2025-07-08', market: 'KR' }, run('sched-kr-exits-1510-2025-07-08'));
    expect(res).toEqual({ outcomes: [{ symbol: '069500', reason: 'stop', status: 'filled' }] });
    expect((await w.position('069500'))?.qty).toBe(0);
    expect((await w.position('AAA'))?.qty).toBe(10);
    expect(await kr.krSells()).toBe(1);
    expect(await w.brokerOrders('sell')).toBe(1); // the KR sell only (paper_orders holds both books)
    expect(published).toEqual([{ chatId: 42, kind: 'execution.exits', symbols: ['069500'], key: 'sched-kr-exits-1510-2025-07-08-to-42' }]);
    expect(lossChecks).toEqual(['paper-kr']);
  });

  it("'execution.exits' without a market is the US lane, as before: the KR position is left alone", async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: 9.5 });
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: 34_500 });
    quoteUnderStops();
    const res = await executionHandlers(queueDeps())['execution.exits']({}, run('sched-us-exits'));
    expect(res).toEqual({ outcomes: [{ symbol: 'AAA', reason: 'stop', status: 'filled' }] });
    expect((await w.position('069500'))?.qty).toBe(5);
    expect(await kr.krSells()).toBe(0);
  });

  it("'execution.exits' with market KR and no KR lane wired does nothing and says so", async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: 9.5 });
    quoteUnderStops();
    const deps = queueDeps();
    delete deps.kr;
    expect(await executionHandlers(deps)['execution.exits']({ market: 'KR' }, run('j'))).toEqual({ skipped: 'no_kr_lane' });
    expect((await w.position('AAA'))?.qty).toBe(10);
  });

  it("'execution.mark' with market KR marks the KR book (no benchmark) and checks the KR broker's session loss", async () => {
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: 34_500 });
    const res = await executionHandlers(queueDeps())['execution.mark']({ date: '2025-07-08', market: 'KR' }, run('sched-kr-mark'));
    expect(res).toMatchObject({ market: 'KR', date: '2025-07-08', positions: 1 });
    const rows = (await w.ds.query(`SELECT market, currency, benchmark_close FROM equity_marks`)) as { market: string; currency: string; benchmark_close: string | null }[];
    expect(rows).toEqual([{ market: 'KR', currency: 'KRW', benchmark_close: null }]);
    expect(lossChecks).toEqual(['paper-kr']);
  });

  it("'execution.flatten' sells both books, each at its own broker, with one reply per market under distinct keys", async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: null });
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: null });
    w.quote('AAA', 10.5);
    w.quotes.set('069500', { bid: 35_100, ask: 35_105, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T02:00:00Z' });
    const epoch = await engagedEpoch();
    const res = await executionHandlers(queueDeps())['execution.flatten']({ updateId: 1, chatId: 7, userId: 1, role: 'admin', epoch }, run('flatten-t1'));
    expect(res).toEqual({ orders: 1, kr: 1 });
    expect((await w.position('AAA'))?.qty).toBe(0);
    expect((await w.position('069500'))?.qty).toBe(0);
    const filed = (await w.ds.query(`SELECT symbol, broker, market FROM orders WHERE exit_reason = 'flatten' ORDER BY symbol`)) as unknown[];
    expect(filed).toEqual([
      { symbol: '069500', broker: 'paper-kr', market: 'KR' },
      { symbol: 'AAA', broker: 'paper', market: 'US' },
    ]);
    expect(published).toEqual([
      { chatId: 7, kind: 'execution.flatten', symbols: ['AAA'], key: 'flatten-t1-reply' },
      { chatId: 7, kind: 'execution.flatten', symbols: ['069500'], key: 'flatten-t1-reply-kr' },
    ]);
  });

  it("'execution.flatten' while KRX takes no orders sends no KR sale: the KR book is told as held, with KRX's next open", async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: null });
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: null });
    w.quote('AAA', 10.5);
    const epoch = await engagedEpoch();
    // 15:25 KST on Tue 2025-07-08: KRX's closing auction (KIS refuses IOC orders then).
    const res = await executionHandlers(queueDeps({ now: new Date('2025-07-08T06:25:00Z') }))['execution.flatten']({ updateId: 1, chatId: 7, userId: 1, role: 'admin', epoch }, run('flatten-n1'));
    expect(res).toEqual({ orders: 1, kr: 0 });
    expect((await w.position('069500'))?.qty).toBe(5);
    expect((await w.ds.query(`SELECT count(*)::int AS n FROM orders WHERE symbol = '069500'`)) as unknown[]).toEqual([{ n: 0 }]);
    expect(published.map((p) => p.key)).toEqual(['flatten-n1-reply', 'flatten-n1-reply-kr']);
  });

  it("'execution.flatten' with market US flattens the US book only", async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: null });
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: null });
    w.quote('AAA', 10.5);
    const epoch = await engagedEpoch();
    const res = await executionHandlers(queueDeps())['execution.flatten']({ updateId: 1, chatId: 7, userId: 1, role: 'admin', epoch, market: 'US' }, run('flatten-q1'));
    expect(res).toEqual({ orders: 1 });
    expect((await w.position('069500'))?.qty).toBe(5);
    expect(published.map((p) => p.key)).toEqual(['flatten-q1-reply']);
  });
});

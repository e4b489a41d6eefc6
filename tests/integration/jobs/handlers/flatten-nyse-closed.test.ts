/**
 * `/kill flatten` confirmed while KRX is open and NYSE closed (issue 15): the sell-all names no
 * market, and the flatten job sells the KR book only. The US book gets a "not now" reply (NYSE's
 * next open) and no order: it has its own queue offer for the NYSE open, and an IOC sent now would
 * only be refused (or rest at a broker that takes orders outside the session, under the kill).
 * With NYSE open the US book is sold as before.
 */
import type { Job } from 'bullmq';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executionHandlers, type ExecutionQueueDeps, type MarketLane } from '../../../../src/jobs/handlers/execution.js';
import { KRX_IOC_HOURS } from '../../../../src/engine/krx-hours.js';
import { EXCHANGE_HOURS } from '../../../../src/engine/market-hours.js';
import type { JobRun } from '../../../../src/jobs/worker-runtime.js';
import { exitOutcomesView } from '../../../../src/bot/views/exit-view.js';
import type { FlattenNotice } from '../../../../src/trading/execution/notices.js';
import { makeExitsWorld, type ExitsWorld } from '../../trading/execution/exits-setup.js';
import { krBook, type KrBook } from '../../trading/execution/kr-support.js';

let w: ExitsWorld;
let kr: KrBook;
let published: { key: string; notice: FlattenNotice }[];

// Tue 2025-07-08 10:00 KST = Mon 21:00 ET: KRX's continuous session, NYSE closed.
const KRX_OPEN_NYSE_CLOSED = new Date('2025-07-08T01:00:00Z');
// Tue 2025-07-08 15:00 ET = Wed 04:00 KST: NYSE open, KRX closed.
const NYSE_OPEN = new Date('2025-07-08T19:00:00Z');

beforeEach(async () => {
  w = await makeExitsWorld();
  kr = krBook(w);
  kr.at(KRX_OPEN_NYSE_CLOSED);
  published = [];
});
afterEach(async () => {
  await w?.close();
});

const log = pino({ level: 'silent' });
const run = (id: string): JobRun => ({ job: { id } as Job, log, token: undefined, worker: undefined as never });

function queueDeps(now: Date): ExecutionQueueDeps {
  const krLane = { broker: kr.broker, marketHours: KRX_IOC_HOURS, exits: kr.deps() } as unknown as MarketLane;
  return {
    db: w.uow(),
    broker: w.paper(),
    kr: krLane,
    now: () => now,
    exits: w.exitDeps({ now: () => now, limits: { requireOpenSession: false } }),
    // As the app wires it (executionDeps: marketHoursFor(config)).
    execution: { logger: log, marketHours: EXCHANGE_HOURS },
    alerts: { raise: async () => undefined, resolve: async () => undefined },
    circuit: { checkRejections: async () => ({ kind: 'ok' }), checkSessionLoss: async () => ({ kind: 'ok' }) },
    publisher: {
      publish: async (_chatId: number, notice: FlattenNotice, o: { key: string }) => {
        published.push({ key: o.key, notice });
        return { kind: 'queued' };
      },
    },
  } as unknown as ExecutionQueueDeps;
}

async function engagedEpoch(): Promise<number> {
  const epoch = (await w.killSwitch.engage('test', 1)).epoch;
  if (epoch === null) throw new Error('the kill switch gave no epoch');
  return epoch;
}

describe("'execution.flatten' with both books and NYSE closed", () => {
  it('sells the KR book only; the US book is told as held with the NYSE open, and no US order is filed', async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: null });
    await kr.hold({ symbol: '069500', qty: 5, price: 35_000, stop: null });
    w.quote('AAA', 10.5);
    w.quotes.set('069500', { bid: 35_100, ask: 35_105, bidSize: 10_000, askSize: 10_000, time: '2025-07-08T00:59:00Z' });
    const epoch = await engagedEpoch();
    const res = await executionHandlers(queueDeps(KRX_OPEN_NYSE_CLOSED))['execution.flatten']({ updateId: 1, chatId: 7, userId: 1, role: 'admin', epoch }, run('flatten-c1'));
    expect(res).toEqual({ orders: 0, kr: 1 });
    expect((await w.position('AAA'))?.qty).toBe(10);
    expect((await w.position('069500'))?.qty).toBe(0);
    expect((await w.ds.query(`SELECT count(*)::int AS n FROM orders WHERE symbol = 'AAA'`)) as unknown[]).toEqual([{ n: 0 }]);
    expect(published.map((p) => p.key)).toEqual(['flatten-c1-reply', 'flatten-c1-reply-kr']);
    const us = published[0]!.notice;
    expect(us.notNow).toMatchObject({ market: 'US', positions: [{ symbol: 'AAA', qty: 10 }] });
    const text = exitOutcomesView('🧯 Flatten', us.outcomes, us.brokerPositions, us.notNow).text;
    expect(text).toMatch(/NYSE is closed: nothing was sold in the US book\. Still held: AAA 10\./);
    expect(text).toContain('ET');
    expect(text).not.toContain('KST');
  });

  it('with NYSE open the US book is sold as before', async () => {
    await w.hold({ symbol: 'AAA', qty: 10, price: 10, stop: null });
    w.quote('AAA', 10.5);
    kr.at(NYSE_OPEN);
    const epoch = await engagedEpoch();
    const res = await executionHandlers(queueDeps(NYSE_OPEN))['execution.flatten']({ updateId: 1, chatId: 7, userId: 1, role: 'admin', epoch }, run('flatten-o1'));
    expect(res).toMatchObject({ orders: 1 });
    expect((await w.position('AAA'))?.qty).toBe(0);
  });
});

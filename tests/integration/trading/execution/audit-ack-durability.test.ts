import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import type { BrokerOrder } from '../../../../src/adapters/brokers/port.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval } from '../../../../src/trading/execution/execute.js';
import { makeWorld, wrapBroker, type World } from './setup.js';

/**
 * The `order.submitted` row of a non-terminal ack (Alpaca acks `accepted`/`new`) is on the audit
 * chain before the run waits for the order to become terminal (up to 30 s). A worker that dies in
 * that wait loses nothing, and nothing it had queued turns up later, after the fill.
 */
let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

const actions = async () => ((await w.ds.query(`SELECT payload->>'action' AS a FROM audit_log ORDER BY seq`)) as { a: string }[]).map((r) => r.a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('order.submitted of a non-terminal ack', () => {
  it('is on the chain while the run waits for the order to become terminal, and survives the worker dying there', async () => {
    const pickId = await w.pick();
    const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
    if (r.kind !== 'approved') throw new Error(r.kind);

    // Worker 1: its own pool and audit log; the broker acks `submitted` (like Alpaca's "accepted"),
    // then the run waits for the terminal state until we let it go.
    const d1 = await w.open(10);
    const inner = w.paper(d1);
    let release!: (e: Error) => void;
    const gate = new Promise<BrokerOrder>((_, rej) => (release = rej));
    const acking = wrapBroker(inner, {
      submitOrder: async (req) => ({ ...(await inner.submitOrder(req)), status: 'submitted', filledQty: 0, avgFillPrice: null, fills: [] }),
      waitForTerminal: () => gate,
    });
    const run1 = executeApproval(w.deps({ db: w.uow(d1), broker: acking, audit: new AuditLog(w.uow(d1)) }), r.approvalId).catch((e: unknown) => e);

    // Wait until the ack is recorded in `orders` (committed), then give the audit write ample time.
    for (let i = 0; i < 200; i++) {
      if ((await w.count(`SELECT count(*)::int AS n FROM orders WHERE state = 'submitted'`)) === 1) break;
      await sleep(10);
    }
    await sleep(300);
    const duringWait = await actions();

    // kill -9 of worker 1 as Postgres sees it: its session (and approval lock) goes away.
    await w.ds.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = 774219101`);
    // Worker 2 (a fresh process) finishes the approval.
    const out = await executeApproval(w.deps(), r.approvalId);
    expect(out).toMatchObject({ kind: 'filled' });
    const afterRestart = await actions();

    release(new Error('worker 1 is long dead'));
    await run1;

    expect.soft(duringWait).toContain('order.submitted');
    expect.soft(afterRestart).toEqual(['order.created', 'order.submitting', 'order.submitted', 'order.filled']);
    // …and the dead worker's queued row must not turn up later, after the fill.
    expect.soft(await actions()).toEqual(['order.created', 'order.submitting', 'order.submitted', 'order.filled']);
  });
});

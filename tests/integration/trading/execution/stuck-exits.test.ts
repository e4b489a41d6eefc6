/**
 * Issue 12, item 5, for exits: a stop exit whose worker died right after the attempt mark, with
 * the POST never reaching the broker, blocks every later exit of the position (each run finds it
 * `missing` and sends nothing new). The recovery pass closes it (`lost_after_crash`) once the mark
 * is older than EXEC_RESOLVE_AFTER_MS, and the next exit run sells. One found at the broker is booked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker } from '../../../../src/adapters/brokers/port.js';
import { runExits } from '../../../../src/trading/execution/exits.js';
import { recoverStuck } from '../../../../src/trading/execution/recover.js';
import { AT, countingSubmits, crashAfterSubmit, makeExitsWorld, type ExitsWorld } from './exits-setup.js';
import { wrapBroker } from './setup.js';

let w: ExitsWorld;
beforeEach(async () => {
  w = await makeExitsWorld();
});
afterEach(async () => {
  await w.close();
});

const exitRows = () =>
  w.ds.query(`SELECT state, booked_at IS NOT NULL AS booked, reject_detail FROM orders WHERE kind = 'exit' ORDER BY created_at`) as Promise<{ state: string; booked: boolean; reject_detail: { code: string } | null }[]>;
const age = () => w.ds.query(`UPDATE orders SET submit_attempted_at = now() - interval '5 minutes' WHERE kind = 'exit' AND booked_at IS NULL`);
const pass = (broker: Broker = w.paper()) => recoverStuck({ execution: w.deps({ broker }), exits: w.exitDeps({ broker }), resolveAfterMs: 60_000 });

describe('exit orders stuck after the attempt mark', () => {
  it('never reached the broker: blocked until the pass closes it (lost_after_crash); then the next run sells once', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    w.quote('ABC', 8.95);
    const lost = wrapBroker(w.paper(), {
      submitOrder: () => Promise.reject(new Error('simulated kill -9 right after the attempt mark')),
    });
    expect(await runExits(w.exitDeps({ broker: lost }), { now: AT.midday })).toMatchObject([{ symbol: 'ABC', status: 'failed' }]);
    // The gap: the next run finds it missing and sends nothing, while the stop is breached.
    expect(await runExits(w.exitDeps(), { now: AT.midday })).toMatchObject([{ status: 'pending' }]);
    expect(await w.brokerOrders('sell')).toBe(0);

    // A young mark is left alone; an old one is closed.
    expect((await pass()).exits).toEqual([]);
    await age();
    const report = await pass();
    expect(report.exits).toMatchObject([{ kind: 'closed', evidence: { kind: 'none' }, outcome: { status: 'rejected', remainingQty: 7 } }]);
    expect(await exitRows()).toMatchObject([{ state: 'rejected', booked: true, reject_detail: { code: 'lost_after_crash', symbol: 'ABC', markedBy: null, order: 'exit' } }]);

    const { broker, submits } = countingSubmits(w.paper());
    expect(await runExits(w.exitDeps({ broker }), { now: AT.midday })).toMatchObject([{ status: 'filled', filledQty: 7, remainingQty: 0 }]);
    expect(submits()).toBe(1);
    expect(await w.brokerOrders('sell')).toBe(1);
    expect(await w.position('ABC')).toMatchObject({ qty: 0 });
  });

  it('reached the broker: the pass books it once, never re-sent', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    w.quote('ABC', 8.95);
    await runExits(w.exitDeps({ broker: crashAfterSubmit(w.paper()) }), { now: AT.midday });
    await age();
    const { broker, submits } = countingSubmits(w.paper());
    expect((await pass(broker)).exits).toMatchObject([{ kind: 'booked', outcome: { status: 'filled', filledQty: 7, remainingQty: 0 } }]);
    expect(submits()).toBe(0);
    expect(await w.brokerOrders('sell')).toBe(1);
    expect(await w.position('ABC')).toMatchObject({ qty: 0 });
    expect((await pass(broker)).exits).toEqual([]);
  });
});

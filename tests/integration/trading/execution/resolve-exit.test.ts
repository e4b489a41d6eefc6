/**
 * Issue 19, item 5, for exits, at the use case: an admin's /resolve of an exit stuck after its
 * attempt mark. Book fill books an order of OURS that is final once (position reduced, P&L), and
 * Mark failed is refused for it; an order the broker does not have may be marked failed, which
 * closes the row unbooked (recorded `lost_after_crash` with the admin) and does not use up the
 * day's one stop attempt, so the next exit run sells. Real Postgres and the paper broker.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Confirmations } from '../../../../src/trading/confirmations/confirmations.js';
import { runExits } from '../../../../src/trading/execution/exits.js';
import { askResolve, BOOK_FILL_CONFIRM, confirmResolve, MARK_FAILED_CONFIRM, type StuckDeps } from '../../../../src/trading/execution/stuck.js';
import type { Broker } from '../../../../src/adapters/brokers/port.js';
import { AT, countingSubmits, crashAfterSubmit, makeExitsWorld, type ExitsWorld } from './exits-setup.js';
import { wrapBroker } from './setup.js';

let w: ExitsWorld;
beforeEach(async () => {
  w = await makeExitsWorld();
});
afterEach(async () => {
  await w.close();
});

const ADMIN = 7;
const exitRows = () =>
  w.ds.query(`SELECT client_order_id, state, booked_at IS NOT NULL AS booked, filled_qty, reject_detail FROM orders WHERE kind = 'exit' ORDER BY created_at`) as Promise<
    { client_order_id: string; state: string; booked: boolean; filled_qty: number; reject_detail: Record<string, unknown> | null }[]
  >;
const age = () => w.ds.query(`UPDATE orders SET submit_attempted_at = now() - interval '5 minutes' WHERE kind = 'exit' AND booked_at IS NULL`);
const actions = async () => ((await w.ds.query(`SELECT payload->>'action' AS a FROM audit_log ORDER BY seq`)) as { a: string }[]).map((r) => r.a);

function stuckDeps(broker: Broker, closed: string[]): StuckDeps {
  return {
    execution: w.deps({ broker }),
    resolveAfterMs: 60_000,
    alerts: {
      resolve: async (key: string) => {
        closed.push(key);
        return { kind: 'resolved' } as never;
      },
    },
  };
}

/** A token as /resolve would issue it for the row's current version (to press a button the evidence did not offer). */
async function tokenFor(action: string, cid: string): Promise<string> {
  const v = ((await w.ds.query(`SELECT floor(extract(epoch FROM updated_at) * 1000000)::bigint::text AS v FROM orders WHERE client_order_id = $1`, [cid])) as { v: string }[])[0]!.v;
  return (await new Confirmations(w.uow()).issue({ action, subject: `exit:${cid}`, version: Number(v), issuedBy: ADMIN })).id;
}

describe('/resolve of a stuck exit order', () => {
  it('ours and final at the broker: Book fill books it once; Mark failed is refused', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    w.quote('ABC', 8.95);
    await runExits(w.exitDeps({ broker: crashAfterSubmit(w.paper()) }), { now: AT.midday });
    await age();
    const cid = (await exitRows())[0]!.client_order_id;
    const { broker, submits } = countingSubmits(w.paper());
    const closed: string[] = [];
    const deps = stuckDeps(broker, closed);

    const ask = await askResolve(deps, cid.toUpperCase(), ADMIN);
    if (ask.kind !== 'exit_ask') throw new Error(`not asked: ${ask.kind}`);
    expect(ask.evidence).toMatchObject({ kind: 'found', status: 'filled', filledQty: 7 });
    expect(ask.markFailed).toBeNull();
    expect(ask.bookFill).not.toBeNull();

    // Mark failed (not offered) is refused at the press: the order there is ours.
    const mf = await confirmResolve(deps, 'mark_failed', await tokenFor(MARK_FAILED_CONFIRM, cid), ADMIN);
    expect(mf).toMatchObject({ kind: 'exit_settled', result: { kind: 'ambiguous', cause: 'order_at_broker' } });
    expect((await exitRows())[0]!.booked).toBe(false);

    const v = await confirmResolve(deps, 'book_fill', ask.bookFill!.id, ADMIN);
    expect(v).toMatchObject({ kind: 'exit_settled', clientOrderId: cid, result: { kind: 'booked', outcome: { status: 'filled', filledQty: 7, remainingQty: 0 } } });
    expect(await w.position('ABC')).toMatchObject({ qty: 0 });
    expect(await w.count(`SELECT count(*)::int AS n FROM fills`)).toBe(1);
    expect(closed).toEqual([`order.ambiguous:${cid}`]);
    expect(await actions()).toContain('exit.recovered');
    // Pressed again: used; a fresh token for the new state finds nothing stuck.
    expect(await confirmResolve(deps, 'book_fill', ask.bookFill!.id, ADMIN)).toMatchObject({ kind: 'refused', refusal: { kind: 'used' } });
    expect(await confirmResolve(deps, 'book_fill', await tokenFor(BOOK_FILL_CONFIRM, cid), ADMIN)).toMatchObject({ kind: 'exit_settled', result: { kind: 'not_stuck' } });
    expect(await w.count(`SELECT count(*)::int AS n FROM fills`)).toBe(1);
    expect(submits()).toBe(0);
  });

  it('not at the broker: Mark failed closes it unbooked, and the next run sells under a new id despite one attempt a day', async () => {
    await w.hold({ symbol: 'ABC', qty: 7, price: 10, stop: 9 });
    w.quote('ABC', 8.95);
    const lost = wrapBroker(w.paper(), { submitOrder: () => Promise.reject(new Error('simulated kill -9 right after the attempt mark')) });
    await runExits(w.exitDeps({ broker: lost }), { now: AT.midday });
    await age();
    const cid = (await exitRows())[0]!.client_order_id;
    const closed: string[] = [];
    const deps = stuckDeps(w.paper(), closed);

    const ask = await askResolve(deps, cid, ADMIN);
    if (ask.kind !== 'exit_ask') throw new Error(`not asked: ${ask.kind}`);
    expect(ask.evidence).toMatchObject({ kind: 'none' });
    expect(ask.bookFill).toBeNull();
    const bf = await confirmResolve(deps, 'book_fill', await tokenFor(BOOK_FILL_CONFIRM, cid), ADMIN);
    expect(bf).toMatchObject({ kind: 'exit_settled', result: { kind: 'ambiguous', cause: 'nothing_to_book' } });

    const v = await confirmResolve(deps, 'mark_failed', ask.markFailed!.id, ADMIN);
    expect(v).toMatchObject({ kind: 'exit_settled', result: { kind: 'failed', outcome: { status: 'rejected', remainingQty: 7 } } });
    expect(await exitRows()).toMatchObject([{ state: 'rejected', booked: true, filled_qty: 0, reject_detail: { code: 'lost_after_crash', symbol: 'ABC', markedBy: String(ADMIN), order: 'exit' } }]);
    expect(closed).toEqual([`order.ambiguous:${cid}`]);
    expect(await actions()).toContain('exit.marked_failed');

    const { broker, submits } = countingSubmits(w.paper());
    expect(await runExits(w.exitDeps({ broker }), { now: AT.midday })).toMatchObject([{ status: 'filled', filledQty: 7, remainingQty: 0 }]);
    expect(submits()).toBe(1);
    const rows = await exitRows();
    expect(rows).toHaveLength(2);
    expect(rows[1]!.client_order_id).not.toBe(cid);
    expect(await w.position('ABC')).toMatchObject({ qty: 0 });
  });
});

/**
 * Issue 12, item 5, the ambiguous path: approvals stuck after their attempt mark that the
 * recovery pass cannot settle on its own (lookup failed, order still working) are listed
 * (/stuck, `courtside orders stuck --json`) and settled by an admin through /resolve's bound
 * confirmations (Mark failed / Book fill). Real Postgres and the paper broker; the broker's
 * answers are shaped with wrapBroker. Never a second POST.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Broker, BrokerOrder } from '../../../../src/adapters/brokers/port.js';
import { ordersCommand } from '../../../../src/cli/commands/orders.js';
import { BrokerError } from '../../../../src/lib/broker-errors.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval, settleApproval } from '../../../../src/trading/execution/execute.js';
import { clientOrderIdFor } from '../../../../src/trading/execution/ids.js';
import { recoverStuck } from '../../../../src/trading/execution/recover.js';
import { askResolve, confirmResolve, listStuck, type StuckDeps } from '../../../../src/trading/execution/stuck.js';
import { makeWorld, wrapBroker, type World } from './setup.js';

const RESOLVE_AFTER_MS = 60_000;

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});
afterEach(async () => {
  await w.close();
});

const brokerOrders = () => w.count(`SELECT count(*)::int AS n FROM paper_orders`);
const spent = async () => Number(((await w.ds.query(`SELECT COALESCE(sum(spent), 0) AS s FROM daily_budget`)) as { s: string }[])[0]!.s);
const approvalState = async (id: string) => ((await w.ds.query(`SELECT state, reason_detail FROM approvals WHERE id = $1`, [id])) as { state: string; reason_detail: unknown }[])[0]!;
const actions = async () => ((await w.ds.query(`SELECT payload->>'action' AS a FROM audit_log ORDER BY seq`)) as { a: string }[]).map((r) => r.a);

const unreachable = (): BrokerError => new BrokerError({ broker: 'paper', kind: 'unavailable', detail: 'connect ECONNREFUSED (simulated)' });

/** Every submit is counted: none may happen on this path. */
function counting(inner: Broker, over: Partial<Broker> = {}): { broker: Broker; submits: () => number } {
  let n = 0;
  const broker = wrapBroker(inner, {
    ...over,
    submitOrder: (r) => {
      n++;
      return inner.submitOrder(r);
    },
  });
  return { broker, submits: () => n };
}

/**
 * An approval whose worker died right after the attempt mark: `reached` — the broker accepted
 * (and the paper broker filled) the POST; otherwise the POST never got anywhere. The mark is
 * then aged past the recovery limit.
 */
async function stuckApproval(opts: { reached: boolean; ageMs?: number }): Promise<{ approvalId: string; pickId: string }> {
  const pickId = await w.pick({ qty: 50, entry: 10, stop: 9 });
  const r = await approvePick(w.uow(), { pickId, userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  const dying = wrapBroker(w.paper(), {
    submitOrder: async (req) => {
      if (opts.reached) await w.paper().submitOrder(req);
      throw new Error('simulated kill -9 right after the attempt mark');
    },
  });
  await expect(executeApproval(w.deps({ broker: dying }), r.approvalId)).rejects.toThrow(/simulated kill -9/);
  await w.ds.query(`UPDATE orders SET submit_attempted_at = now() - make_interval(secs => $2::float8 / 1000) WHERE approval_id = $1`, [r.approvalId, opts.ageMs ?? 5 * 60_000]);
  return { approvalId: r.approvalId, pickId };
}

function stuckDeps(broker: Broker): StuckDeps {
  return { execution: w.deps({ broker }), resolveAfterMs: RESOLVE_AFTER_MS };
}

describe('the recovery pass (recoverStuck)', () => {
  it('not at the broker → failed (lost_after_crash), budget released, audited; at the broker → booked once; a young mark and a failed lookup are left alone', async () => {
    const lost = await stuckApproval({ reached: false });
    const young = await stuckApproval({ reached: false, ageMs: 5_000 });
    expect(await spent()).toBeCloseTo(2 * 70.07, 6);
    const c = counting(w.paper());
    const report = await recoverStuck({ execution: w.deps({ broker: c.broker }), exits: { ...w.deps({ broker: c.broker }), quotes: w.quoteProvider }, resolveAfterMs: RESOLVE_AFTER_MS });
    expect(report.errors).toEqual([]);
    expect(report.entries.map((e) => [e.approvalId, e.result.kind, e.approvedBy])).toEqual([[lost.approvalId, 'failed', 42]]);
    const a = await approvalState(lost.approvalId);
    expect(a.state).toBe('failed');
    expect(a.reason_detail).toMatchObject({ code: 'lost_after_crash', symbol: 'ABC', markedBy: null });
    expect((await approvalState(young.approvalId)).state).toBe('executing');
    expect(await spent()).toBeCloseTo(70.07, 6); // only the young one still reserved
    expect(await actions()).toContain('execution.lost_after_crash');
    expect(c.submits()).toBe(0);

    // At the broker (accepted and filled before the crash): booked once, by the pass.
    const reached = await stuckApproval({ reached: true });
    const again = await recoverStuck({ execution: w.deps({ broker: c.broker }), exits: { ...w.deps({ broker: c.broker }), quotes: w.quoteProvider }, resolveAfterMs: RESOLVE_AFTER_MS });
    expect(again.entries.map((e) => [e.approvalId, e.result.kind])).toEqual([[reached.approvalId, 'booked']]);
    expect((await approvalState(reached.approvalId)).state).toBe('filled');
    expect(await w.count(`SELECT count(*)::int AS n FROM fills`)).toBe(1);
    expect(await brokerOrders()).toBe(1);
    expect(c.submits()).toBe(0);

    // Broker unreachable: ambiguous, nothing changes, and it stays listed for an admin.
    const unknown = await stuckApproval({ reached: false });
    const down = wrapBroker(w.paper(), { findSubmitted: () => Promise.reject(unreachable()) });
    const third = await recoverStuck({ execution: w.deps({ broker: down }), exits: { ...w.deps({ broker: down }), quotes: w.quoteProvider }, resolveAfterMs: RESOLVE_AFTER_MS });
    expect(third.entries.map((e) => [e.approvalId, e.result.kind, e.result.kind === 'ambiguous' ? e.result.cause : null])).toEqual([[unknown.approvalId, 'ambiguous', 'lookup_failed']]);
    expect((await approvalState(unknown.approvalId)).state).toBe('executing');
    const list = await listStuck({ db: w.uow(), resolveAfterMs: RESOLVE_AFTER_MS });
    expect(list.approvals.map((x) => x.approvalId)).toEqual([unknown.approvalId]);
  });

  it('never settles an approval whose lock a live run holds (busy), however old its mark', async () => {
    const s = await stuckApproval({ reached: false });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    // A live executor: holds the approval's lock (through settleApproval's own lock) while it waits.
    const slow = wrapBroker(w.paper(), {
      findSubmitted: async () => {
        entered();
        await held;
        return null;
      },
    });
    const live = settleApproval(w.deps({ broker: slow }), s.approvalId, { kind: 'auto' }, { olderThan: new Date(), lockWaitMs: 0 });
    await inside;
    const report = await recoverStuck({ execution: w.deps(), exits: { ...w.deps(), quotes: w.quoteProvider }, resolveAfterMs: RESOLVE_AFTER_MS });
    expect(report.entries.map((e) => e.result.kind)).toEqual(['busy']);
    expect((await approvalState(s.approvalId)).state).toBe('executing');
    release();
    expect((await live).kind).toBe('failed');
    expect(await w.count(`SELECT count(*)::int AS n FROM audit_log WHERE payload->>'action' = 'execution.lost_after_crash'`)).toBe(1);
  });
});

describe('/resolve: the bound confirmations', () => {
  it('lists the stuck approval with its figures; a press for a state that changed since is refused and changes nothing', async () => {
    const s = await stuckApproval({ reached: false });
    const down = wrapBroker(w.paper(), { findSubmitted: () => Promise.reject(unreachable()) });
    const deps = stuckDeps(down);
    const list = await listStuck({ db: w.uow(), resolveAfterMs: RESOLVE_AFTER_MS });
    expect(list.approvals).toHaveLength(1);
    expect(list.approvals[0]).toMatchObject({ approvalId: s.approvalId, pickId: s.pickId, symbol: 'ABC', side: 'buy', qty: 7, limitPrice: 10.01, reserved: 70.07, clientOrderId: clientOrderIdFor(s.approvalId), broker: 'paper', approvedBy: 42 });

    const ask = await askResolve(deps, s.approvalId, 1);
    if (ask.kind !== 'ask') throw new Error(`not offered: ${ask.kind}`);
    expect(ask.evidence).toMatchObject({ kind: 'lookup_failed', broker: 'paper' });

    // The order row changes (an ack, a run touching it): the version moves.
    await w.ds.query(`UPDATE orders SET updated_at = now() + interval '1 second' WHERE approval_id = $1`, [s.approvalId]);
    const stale = await confirmResolve(deps, 'mark_failed', ask.markFailed.id, 1);
    expect(stale).toMatchObject({ kind: 'refused', refusal: { kind: 'stale' } });
    expect((await approvalState(s.approvalId)).state).toBe('executing');
    expect(await spent()).toBeCloseTo(70.07, 6);
    // A token of another action, or made up, is unknown.
    expect(await confirmResolve(deps, 'book_fill', ask.markFailed.id, 1)).toMatchObject({ kind: 'refused', refusal: { kind: 'unknown' } });
    expect(await confirmResolve(deps, 'mark_failed', 'AAAAAAAAAAAAAAAAAAAAAA', 1)).toMatchObject({ kind: 'refused', refusal: { kind: 'unknown' } });
  });

  it('Mark failed (broker unreachable: the admin decides) closes it failed and releases the budget; the other button is then out of date', async () => {
    const s = await stuckApproval({ reached: false });
    const c = counting(w.paper(), { findSubmitted: () => Promise.reject(unreachable()) });
    const deps = stuckDeps(c.broker);
    const ask = await askResolve(deps, s.approvalId, 1);
    if (ask.kind !== 'ask') throw new Error(`not offered: ${ask.kind}`);
    const v = await confirmResolve(deps, 'mark_failed', ask.markFailed.id, 1);
    expect(v).toMatchObject({ kind: 'settled', approvalId: s.approvalId, result: { kind: 'failed', evidence: { kind: 'lookup_failed' } } });
    const a = await approvalState(s.approvalId);
    expect(a.state).toBe('failed');
    expect(a.reason_detail).toMatchObject({ code: 'lost_after_crash', markedBy: '1' });
    expect(await spent()).toBe(0);
    expect(await confirmResolve(deps, 'mark_failed', ask.markFailed.id, 1)).toMatchObject({ kind: 'refused', refusal: { kind: 'used' } });
    expect(await confirmResolve(deps, 'book_fill', ask.bookFill.id, 1)).toMatchObject({ kind: 'refused', refusal: { kind: 'stale' } });
    expect((await listStuck({ db: w.uow(), resolveAfterMs: RESOLVE_AFTER_MS })).approvals).toEqual([]);
    expect(c.submits()).toBe(0);
  });

  it('Mark failed is refused while the broker shows the order working; Book fill books the final answer ONCE', async () => {
    const s = await stuckApproval({ reached: true });
    const real = w.paper();
    let working = true;
    const c = counting(real, {
      findSubmitted: async (ref) => {
        const b = await real.findSubmitted(ref);
        return b && working ? ({ ...b, status: 'new', filledQty: 0, avgFillPrice: null } satisfies BrokerOrder) : b;
      },
    });
    const deps = stuckDeps(c.broker);
    const ask = await askResolve(deps, s.approvalId, 1);
    if (ask.kind !== 'ask') throw new Error(`not offered: ${ask.kind}`);
    expect(ask.evidence).toMatchObject({ kind: 'found', status: 'new' });
    const refused = await confirmResolve(deps, 'mark_failed', ask.markFailed.id, 1);
    expect(refused).toMatchObject({ kind: 'settled', result: { kind: 'ambiguous', cause: 'order_at_broker' } });
    expect((await approvalState(s.approvalId)).state).toBe('executing');

    working = false;
    const ask2 = await askResolve(deps, s.approvalId, 1);
    if (ask2.kind !== 'ask') throw new Error(`not offered: ${ask2.kind}`);
    expect(ask2.evidence).toMatchObject({ kind: 'found', status: 'filled', filledQty: 7 });
    const [first, second] = await Promise.all([confirmResolve(deps, 'book_fill', ask2.bookFill.id, 1), confirmResolve(deps, 'book_fill', ask2.bookFill.id, 1)]);
    expect([first.kind, second.kind].sort()).toEqual(['refused', 'settled']);
    const won = first.kind === 'settled' ? first : second;
    expect(won).toMatchObject({ kind: 'settled', result: { kind: 'booked', outcome: { kind: 'filled', filledQty: 7, avgFillPrice: 10 } } });
    expect((await approvalState(s.approvalId)).state).toBe('filled');
    expect(await w.count(`SELECT count(*)::int AS n FROM fills`)).toBe(1);
    expect(await w.count(`SELECT count(*)::int AS n FROM positions WHERE qty = 7`)).toBe(1);
    expect(await spent()).toBe(70);
    expect(await brokerOrders()).toBe(1);
    expect(c.submits()).toBe(0);
    // Settled: nothing left to resolve.
    expect(await askResolve(deps, s.approvalId, 1)).toEqual({ kind: 'not_stuck', approvalId: s.approvalId });
  });
  it('Mark failed shown next to a WORKING order is refused when the broker cannot be reached at the press: a blip never closes a live order', async () => {
    const s = await stuckApproval({ reached: true });
    const real = w.paper();
    let reachable = true;
    const c = counting(real, {
      findSubmitted: async (ref) => {
        if (!reachable) throw unreachable();
        const b = await real.findSubmitted(ref);
        return b ? ({ ...b, status: 'new', filledQty: 0, avgFillPrice: null } satisfies BrokerOrder) : b;
      },
    });
    const deps = stuckDeps(c.broker);
    const ask = await askResolve(deps, s.approvalId, 1);
    if (ask.kind !== 'ask') throw new Error(`not offered: ${ask.kind}`);
    expect(ask.evidence).toMatchObject({ kind: 'found', status: 'new' });
    reachable = false;
    const v = await confirmResolve(deps, 'mark_failed', ask.markFailed.id, 1);
    expect(v).toMatchObject({ kind: 'settled', result: { kind: 'ambiguous', cause: 'lookup_failed' } });
    expect((await approvalState(s.approvalId)).state).toBe('executing');
    // The reservation is kept (not released as for a failed order).
    expect(await spent()).toBeGreaterThan(0);
    expect(c.submits()).toBe(0);
  });
});

describe('courtside orders stuck --json', () => {
  it('prints the same data as /stuck as JSON and exits 1 while something is stuck, 0 when nothing is', async () => {
    const saved = { db: process.env.DATABASE_URL, after: process.env.EXEC_RESOLVE_AFTER_MS };
    process.env.DATABASE_URL = w.db.url;
    process.env.EXEC_RESOLVE_AFTER_MS = String(RESOLVE_AFTER_MS);
    const run = async () => {
      let out = '';
      const code = await ordersCommand.run(['stuck', '--json'], { stdout: (t) => (out += t), stderr: (t) => (out += t) });
      return { code, out };
    };
    try {
      const empty = await run();
      expect(empty.code).toBe(0);
      expect(JSON.parse(empty.out)).toMatchObject({ resolveAfterMs: RESOLVE_AFTER_MS, approvals: [], exits: [] });

      const s = await stuckApproval({ reached: false });
      const got = await run();
      expect(got.code).toBe(1);
      const json = JSON.parse(got.out) as { approvals: Record<string, unknown>[] };
      const direct = await listStuck({ db: w.uow(), resolveAfterMs: RESOLVE_AFTER_MS });
      expect(json.approvals.map((a) => ({ ...a, ageMs: 0 }))).toEqual(direct.approvals.map((a) => ({ ...a, ageMs: 0 })));
      expect(json.approvals[0]).toMatchObject({ approvalId: s.approvalId, symbol: 'ABC', reserved: 70.07 });
    } finally {
      for (const [k, v] of [['DATABASE_URL', saved.db], ['EXEC_RESOLVE_AFTER_MS', saved.after]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

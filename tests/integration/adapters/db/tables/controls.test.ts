/**
 * The controls group's typed tables (src/adapters/db/tables/controls) against a migrated
 * database: the queued orders' plain reads and the insert of a queued exit, the types a row
 * comes back with, a transaction's `tables` joining that transaction, and the queue's use cases
 * that now read through them. (Confirmations and the kill switch have no repository: their
 * statements are reviewed SQL, see the group's port.ts.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { NewQueuedExit } from '../../../../../src/adapters/db/tables/controls/port.js';
import { EXCHANGE_HOURS } from '../../../../../src/engine/market-hours.js';
import { cancelQueued, getQueued, listQueued, queueExit, queueFlatten, releaseDue, type QueueDeps } from '../../../../../src/trading/queue/queued-orders.js';
import { useScratchDb } from './scratch-db.js';

const scratch = useScratchDb(['queued_orders']);

/** Saturday noon in New York: the market is closed, the next session is Monday 2026-12-14. */
const SATURDAY = new Date('2026-12-12T17:00:00.123Z');
const SEND_AT = new Date('2026-12-14T14:31:00Z');
const EXPIRES_AT = new Date('2026-12-14T15:00:00Z');

let seq = 0;
/** A queued close of `symbol` (fresh id each call), as insertExit builds one. */
function close(symbol: string, over: Partial<NewQueuedExit> = {}): NewQueuedExit {
  seq += 1;
  return {
    id: `qt${String(seq).padStart(6, '0')}`,
    kind: 'close',
    sessionDate: '2026-12-14',
    sendAt: SEND_AT,
    expiresAt: EXPIRES_AT,
    symbol,
    strategy: 'donchian',
    side: 'sell',
    qty: 12,
    killEpoch: null,
    requestedBy: 9_007_199_254_740_991,
    role: 'trader',
    chatId: -1_001_234_567_890,
    createdAt: SATURDAY,
    ...over,
  };
}

function flatten(killEpoch: number, over: Partial<NewQueuedExit> = {}): NewQueuedExit {
  return close('', { kind: 'flatten', symbol: null, strategy: null, side: null, qty: null, killEpoch, role: 'admin', ...over });
}

describe('controls tables: queued_orders', () => {
  it('insertQueuedExit stores a close; queuedOrder reads it back as figures (Date, number, null, YYYY-MM-DD)', async () => {
    const stored = await scratch.uow.tables.controls.insertQueuedExit(close('ABC'));
    expect(stored).not.toBeNull();
    const back = await scratch.uow.tables.controls.queuedOrder(stored!.id);
    expect(back).toEqual(stored);
    expect(back).toEqual({
      id: stored!.id,
      kind: 'close',
      state: 'QUEUED',
      sessionDate: '2026-12-14',
      sendAt: SEND_AT,
      expiresAt: EXPIRES_AT,
      approvalId: null,
      pickId: null,
      symbol: 'ABC',
      strategy: 'donchian',
      side: 'sell',
      qty: 12,
      killEpoch: null,
      requestedBy: 9_007_199_254_740_991,
      role: 'trader',
      chatId: -1_001_234_567_890,
      cardMessageId: null,
      createdAt: SATURDAY,
    });
    expect(back!.createdAt).toBeInstanceOf(Date);
    expect(typeof back!.qty).toBe('number');
    expect(typeof back!.requestedBy).toBe('number');
    // updated_at is written with created_at, as the SQL insert did.
    const [row] = (await scratch.ds.query(`SELECT updated_at = created_at AS same FROM queued_orders WHERE id = $1`, [stored!.id])) as { same: boolean }[];
    expect(row?.same).toBe(true);
  });

  it('queuedOrder: null for an id never stored', async () => {
    expect(await scratch.uow.tables.controls.queuedOrder('qnothere0')).toBeNull();
  });

  it('one QUEUED sale per position: a second insert writes nothing and queuedClose finds the first', async () => {
    const first = await scratch.uow.tables.controls.insertQueuedExit(close('ABC'));
    expect(await scratch.uow.tables.controls.insertQueuedExit(close('ABC'))).toBeNull();
    expect(await scratch.uow.tables.controls.insertQueuedExit(close('XYZ'))).not.toBeNull();
    expect((await scratch.uow.tables.controls.queuedClose('ABC', 'donchian'))?.id).toBe(first!.id);
    expect(await scratch.uow.tables.controls.queuedClose('ABC', 'other')).toBeNull();
    // Once the first is no longer QUEUED, the position may be queued again.
    await scratch.ds.query(`UPDATE queued_orders SET state = 'CANCELLED' WHERE id = $1`, [first!.id]);
    expect(await scratch.uow.tables.controls.queuedClose('ABC', 'donchian')).toBeNull();
    expect(await scratch.uow.tables.controls.insertQueuedExit(close('ABC'))).not.toBeNull();
  });

  it('one QUEUED flatten per kill epoch: queuedFlatten finds it, its epoch a number', async () => {
    const first = await scratch.uow.tables.controls.insertQueuedExit(flatten(7));
    expect(first).toMatchObject({ kind: 'flatten', killEpoch: 7, symbol: null, side: null, qty: null, role: 'admin' });
    expect(await scratch.uow.tables.controls.insertQueuedExit(flatten(7))).toBeNull();
    const found = await scratch.uow.tables.controls.queuedFlatten(7);
    expect(found?.id).toBe(first!.id);
    expect(found?.killEpoch).toBe(7);
    expect(await scratch.uow.tables.controls.queuedFlatten(8)).toBeNull();
  });

  it('waitingQueuedOrders: only QUEUED, oldest first, then by id', async () => {
    const later = await scratch.uow.tables.controls.insertQueuedExit(close('LATE', { id: 'qa000001', createdAt: new Date(SATURDAY.getTime() + 1) }));
    const tieB = await scratch.uow.tables.controls.insertQueuedExit(close('TIEB', { id: 'qa000003' }));
    const tieA = await scratch.uow.tables.controls.insertQueuedExit(close('TIEA', { id: 'qa000002' }));
    const sent = await scratch.uow.tables.controls.insertQueuedExit(close('SENT', { id: 'qa000000' }));
    await scratch.ds.query(`UPDATE queued_orders SET state = 'SENT' WHERE id = $1`, [sent!.id]);
    expect((await scratch.uow.tables.controls.waitingQueuedOrders()).map((q) => q.id)).toEqual([tieA!.id, tieB!.id, later!.id]);
  });

  it('sentQueuedOrders: SENT, expiring after `at`, of the kinds asked', async () => {
    const c = await scratch.uow.tables.controls.insertQueuedExit(close('SNT'));
    const f = await scratch.uow.tables.controls.insertQueuedExit(flatten(3));
    const waiting = await scratch.uow.tables.controls.insertQueuedExit(close('WAIT'));
    await scratch.ds.query(`UPDATE queued_orders SET state = 'SENT', sent_at = $2 WHERE id = ANY($1::text[])`, [[c!.id, f!.id], SEND_AT]);
    const ids = async (kinds: ('entry' | 'close' | 'flatten')[], at: Date) => (await scratch.uow.tables.controls.sentQueuedOrders(kinds, at)).map((q) => q.id).sort();
    expect(await ids(['entry', 'close', 'flatten'], SEND_AT)).toEqual([c!.id, f!.id].sort());
    expect(await ids(['entry', 'flatten'], SEND_AT)).toEqual([f!.id]);
    expect(await ids([], SEND_AT)).toEqual([]);
    // expires_at > at, strictly: at the expiry it is no longer handed on.
    expect(await ids(['close', 'flatten'], EXPIRES_AT)).toEqual([]);
    expect(await ids(['close'], new Date(EXPIRES_AT.getTime() - 1))).toEqual([c!.id]);
    expect(waiting).not.toBeNull();
  });

  it("a transaction's tables join it: a rollback undoes insertQueuedExit", async () => {
    const o = close('RBK');
    await expect(
      scratch.uow.transaction(async (tx) => {
        expect(await tx.tables.controls.insertQueuedExit(o)).not.toBeNull();
        // Seen inside the transaction, not outside it yet.
        expect((await tx.tables.controls.queuedOrder(o.id))?.symbol).toBe('RBK');
        expect(await scratch.uow.tables.controls.queuedOrder(o.id)).toBeNull();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await scratch.uow.tables.controls.queuedOrder(o.id)).toBeNull();
    await scratch.uow.transaction(async (tx) => tx.tables.controls.insertQueuedExit(o));
    expect((await scratch.uow.tables.controls.queuedOrder(o.id))?.symbol).toBe('RBK');
  });

  it('a row outside the types is refused, not cast (a role the code does not know)', async () => {
    await scratch.ds.query(
      `INSERT INTO queued_orders (id, kind, state, session_date, send_at, expires_at, symbol, strategy, side, qty, requested_by, role, chat_id, created_at, updated_at)
       VALUES ('qbadrole', 'close', 'QUEUED', '2026-12-14', $1, $2, 'BAD', 'donchian', 'sell', 1, 1, 'root', 1, $3, $3)`,
      [SEND_AT, EXPIRES_AT, SATURDAY],
    );
    await expect(scratch.uow.tables.controls.queuedOrder('qbadrole')).rejects.toThrow(/role/);
  });
});

describe('the queue through the tables', () => {
  let now = SATURDAY;
  const deps = (): QueueDeps => ({ db: scratch.uow, hours: EXCHANGE_HOURS, now: () => now });
  beforeEach(() => {
    now = SATURDAY;
  });

  it('queueExit: queued once per position; a second request answers with the first', async () => {
    const input = { symbol: 'QEX', strategy: 'donchian', qty: 5, userId: 42, role: 'trader' as const, chatId: 42 };
    const first = await queueExit(deps(), input);
    expect(first).toMatchObject({ kind: 'queued', order: { kind: 'close', state: 'QUEUED', sessionDate: '2026-12-14', sendAt: SEND_AT, expiresAt: EXPIRES_AT, qty: 5, side: 'sell' } });
    if (first.kind !== 'queued') return;
    expect(await getQueued(scratch.uow, first.order.id)).toEqual(first.order);
    expect(await queueExit(deps(), input)).toEqual({ kind: 'already_queued', order: first.order });
  });

  it('queueFlatten: one per epoch, bound to it', async () => {
    const input = { killEpoch: 11, userId: 1, role: 'admin' as const, chatId: 1 };
    const first = await queueFlatten(deps(), input);
    expect(first).toMatchObject({ kind: 'queued', order: { kind: 'flatten', killEpoch: 11 } });
    if (first.kind !== 'queued') return;
    expect(await queueFlatten(deps(), input)).toEqual({ kind: 'already_queued', order: first.order });
  });

  it('listQueued and cancelQueued: a cancelled order leaves the list; cancelling again says not_queued with its state', async () => {
    const a = await queueExit(deps(), { symbol: 'LSA', strategy: 'donchian', qty: 1, userId: 1, role: 'trader', chatId: 1 });
    const b = await queueFlatten(deps(), { killEpoch: 2, userId: 1, role: 'admin', chatId: 1 });
    if (a.kind !== 'queued' || b.kind !== 'queued') throw new Error('not queued');
    expect((await listQueued(scratch.uow)).map((q) => q.id).sort()).toEqual([a.order.id, b.order.id].sort());
    expect(await cancelQueued(deps(), { id: b.order.id, by: 1, role: 'trader' })).toEqual({ kind: 'forbidden', role: 'trader', needed: 'admin' });
    expect(await cancelQueued(deps(), { id: a.order.id.toUpperCase(), by: 1, role: 'trader' })).toMatchObject({ kind: 'cancelled', order: { id: a.order.id, state: 'CANCELLED' } });
    expect(await cancelQueued(deps(), { id: a.order.id, by: 1, role: 'trader' })).toMatchObject({ kind: 'not_queued', order: { id: a.order.id, state: 'CANCELLED' } });
    expect(await cancelQueued(deps(), { id: 'qnothere0', by: 1, role: 'trader' })).toEqual({ kind: 'not_found', id: 'qnothere0' });
    expect((await listQueued(scratch.uow)).map((q) => q.id)).toEqual([b.order.id]);
  });

  it('releaseDue: flips what is due and hands on again what was SENT before, of the kinds asked', async () => {
    const c = await queueExit(deps(), { symbol: 'REL', strategy: 'donchian', qty: 1, userId: 1, role: 'trader', chatId: 1 });
    const f = await queueFlatten(deps(), { killEpoch: 5, userId: 1, role: 'admin', chatId: 1 });
    if (c.kind !== 'queued' || f.kind !== 'queued') throw new Error('not queued');
    now = new Date(SEND_AT.getTime() + 60_000);
    const first = await releaseDue(deps(), { kinds: ['entry', 'flatten'] });
    expect(first.map((q) => [q.id, q.state])).toEqual([[f.order.id, 'SENT']]);
    // The next tick: nothing new is due, the SENT flatten is handed on again (its jobs are keyed by it); the close waits.
    const again = await releaseDue(deps(), { kinds: ['entry', 'flatten'] });
    expect(again.map((q) => [q.id, q.state, q.killEpoch])).toEqual([[f.order.id, 'SENT', 5]]);
    const all = await releaseDue(deps());
    expect(all.map((q) => q.id).sort()).toEqual([c.order.id, f.order.id].sort());
  });
});

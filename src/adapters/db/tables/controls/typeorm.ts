import { In, MoreThan, type EntityManager } from 'typeorm';
import { z } from 'zod';
import type { Role } from '../../../../lib/roles.js';
import type { ControlsTables, NewQueuedExit, QueuedKind, QueuedOrderRecord, QueuedState } from './port.js';
import { QueuedOrderSchema, type QueuedOrderEntity } from './queued-order.entity.js';

/** A {@link QueuedOrderEntity} checked (the enums are the table's CHECKs; `role` has none, so it is checked here) and as figures. */
const QueuedOrderRow = z
  .object({
    id: z.string(),
    kind: z.enum(['entry', 'close', 'flatten'] satisfies QueuedKind[]),
    state: z.enum(['QUEUED', 'SENT', 'CANCELLED', 'EXPIRED'] satisfies QueuedState[]),
    sessionDate: z.string(),
    sendAt: z.date(),
    expiresAt: z.date(),
    approvalId: z.string().nullable(),
    pickId: z.string().nullable(),
    symbol: z.string().nullable(),
    strategy: z.string().nullable(),
    side: z.enum(['buy', 'sell']).nullable(),
    qty: z.number().nullable(),
    killEpoch: z.string().nullable(),
    requestedBy: z.string(),
    role: z.enum(['viewer', 'trader', 'admin'] satisfies Role[]),
    chatId: z.string(),
    cardMessageId: z.number().nullable(),
    createdAt: z.date(),
  })
  .transform(
    (r): QueuedOrderRecord => ({
      ...r,
      killEpoch: r.killEpoch === null ? null : Number(r.killEpoch),
      requestedBy: Number(r.requestedBy),
      chatId: Number(r.chatId),
    }),
  );

function record(e: QueuedOrderEntity): QueuedOrderRecord {
  return QueuedOrderRow.parse(e);
}

/** The RETURNING of an insert that may have been skipped: one row when it was written, none when ON CONFLICT skipped it. */
const InsertedIds = z.array(z.object({ id: z.string() }));

/** ControlsTables on a TypeORM EntityManager (the pool's, or a transaction's). */
export function controlsTables(m: EntityManager): ControlsTables {
  const orders = m.getRepository(QueuedOrderSchema);
  return {
    async queuedOrder(id) {
      const e = await orders.findOneBy({ id });
      return e ? record(e) : null;
    },
    async waitingQueuedOrders() {
      return (await orders.find({ where: { state: 'QUEUED' }, order: { createdAt: 'ASC', id: 'ASC' } })).map(record);
    },
    async sentQueuedOrders(kinds, at) {
      return (await orders.findBy({ state: 'SENT', expiresAt: MoreThan(at), kind: In([...kinds]) })).map(record);
    },
    async queuedClose(symbol, strategy) {
      const e = await orders.findOneBy({ kind: 'close', state: 'QUEUED', symbol, strategy });
      return e ? record(e) : null;
    },
    async queuedFlatten(killEpoch) {
      const e = await orders.findOneBy({ kind: 'flatten', state: 'QUEUED', killEpoch: String(killEpoch) });
      return e ? record(e) : null;
    },
    async insertQueuedExit(o: NewQueuedExit) {
      const row = {
        id: o.id,
        kind: o.kind,
        state: 'QUEUED',
        sessionDate: o.sessionDate,
        sendAt: o.sendAt,
        expiresAt: o.expiresAt,
        symbol: o.symbol,
        strategy: o.strategy,
        side: o.side,
        qty: o.qty,
        killEpoch: o.killEpoch === null ? null : String(o.killEpoch),
        requestedBy: String(o.requestedBy),
        role: o.role,
        chatId: String(o.chatId),
        createdAt: o.createdAt,
        updatedAt: o.createdAt,
      } satisfies Partial<QueuedOrderEntity>;
      // ON CONFLICT DO NOTHING without a target: the conflicts it can meet here are the partial unique
      // indexes queued_orders_one_close / _one_flatten (what it is for). approval_id is null for an exit,
      // and a clash of the random id also skips: the caller then finds no queued twin and throws.
      const res = await m.createQueryBuilder().insert().into(QueuedOrderSchema).values(row).orIgnore().returning('id').execute();
      if (InsertedIds.parse(res.raw).length === 0) return null;
      return { ...o, state: 'QUEUED', approvalId: null, pickId: null, cardMessageId: null };
    },
  };
}

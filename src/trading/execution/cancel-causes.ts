import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { rowOf } from '../../lib/sql-rows.js';
import type { OrderEndedBy } from './recorded-reasons.js';

/** Why Courtside cancelled an order at the broker: the part of {@link OrderEndedBy} that is ours. */
export type CancelCause = Extract<OrderEndedBy, 'kill' | 'outside_session' | 'day_timeout'>;

/**
 * Keeps that Courtside cancelled `brokerOrderId` and why (table
 * `broker_cancels`, migration BrokerCancels), BEFORE or as the cancel goes
 * out, so the booking of the order, whenever it comes, says who ended it
 * rather than guessing "the price moved away". The first cause recorded
 * wins (a /kill after a session cancel does not rename it). True when this
 * call recorded it (false: already recorded), which is also how the kill
 * proof counts each cancelled order once however often the broker lists it.
 */
export async function recordCancelCause(db: SqlSession, c: { broker: string; brokerOrderId: string; cause: CancelCause; epoch?: number | null }): Promise<boolean> {
  const rows = await db.rows(
    `INSERT INTO broker_cancels (broker_order_id, broker, cause, epoch) VALUES ($1, $2, $3, $4::bigint) ON CONFLICT (broker_order_id) DO NOTHING RETURNING broker_order_id`,
    [c.brokerOrderId, c.broker, c.cause, c.epoch ?? null],
  );
  return rows.length > 0;
}

/** Records several orders cancelled by one action (a /kill's cancel-all); returns how many were new. */
export async function recordCancelCauses(db: SqlSession, broker: string, brokerOrderIds: readonly string[], cause: CancelCause, epoch: number | null): Promise<number> {
  if (brokerOrderIds.length === 0) return 0;
  const rows = await db.rows(
    `INSERT INTO broker_cancels (broker_order_id, broker, cause, epoch)
     SELECT id, $2::text, $3::text, $4::bigint FROM (SELECT DISTINCT unnest($1::text[]) AS id) ids
     ON CONFLICT (broker_order_id) DO NOTHING RETURNING broker_order_id`,
    [brokerOrderIds, broker, cause, epoch],
  );
  return rows.length;
}

/** A recorded cause: only the causes {@link recordCancelCause} writes (a check constraint too). */
const CauseRow = z.object({ cause: z.enum(['kill', 'outside_session', 'day_timeout']) satisfies z.ZodType<CancelCause> });

/** Why Courtside cancelled this order, or null when it did not (the broker or someone else did). */
export async function cancelCauseOf(db: SqlSession, brokerOrderId: string): Promise<CancelCause | null> {
  const row = await rowOf(db, CauseRow, `SELECT cause FROM broker_cancels WHERE broker_order_id = $1`, [brokerOrderId]);
  return row?.cause ?? null;
}

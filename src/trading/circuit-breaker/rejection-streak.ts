import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgBool, pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';

/** One order the broker answered, newest first in a {@link RejectionStreak}. */
const AnsweredRow = z.object({ client_order_id: pgText, broker_refused: pgBool, broker_reason: pgText.nullable() });
const ANSWERED_SQL = `SELECT client_order_id,
            (state = 'rejected') AS broker_refused,
            reject_detail->>'brokerReason' AS broker_reason
       FROM orders
      WHERE broker = $1
        AND submit_attempted_at > $2
        AND (booked_at IS NOT NULL OR broker_order_id IS NOT NULL)
        AND NOT (state = 'rejected' AND COALESCE(reject_detail->>'code', '') <> 'broker_rejected')
      ORDER BY submit_attempted_at DESC, created_at DESC, id DESC
      LIMIT $3`;

/** The broker's latest answers, read for the rejection count. */
export interface RejectionStreak {
  /** How many of the newest answers in a row were refusals (at most the number asked for). */
  streak: number;
  /** Those refusals' client order ids, oldest first. */
  clientOrderIds: string[];
  /** The broker's own words on the newest refusal, null when it gave none (or there is none). */
  lastBrokerReason: string | null;
}

/**
 * The newest `limit` orders `broker` answered since `since`, and how many of
 * them in a row (newest first) it refused.
 *
 * An order counts once it was sent (the durable attempt mark is set) and the
 * broker answered it: it is booked (filled, partly filled, ended, refused) or
 * the broker acknowledged it (it has a broker order id, still working). An
 * accepted or filled order ends a streak. Refusals of our own never reach
 * these rows as answers: a risk gate refuses before any order row exists; an
 * order closed unsent by the kill switch, or given up before its POST, has no
 * attempt mark; a sent order closed for any reason other than the broker's
 * refusal (`reject_detail.code` other than `broker_rejected`, e.g. a row from
 * before reasons were typed) is left out rather than guessed at. Ordered by
 * when each order was sent: "consecutive" is the order in which the broker
 * was asked.
 *
 * `since` (the kill switch's last change) makes a resumed switch start a
 * fresh count: the refusals an admin has already seen do not trip it again.
 */
export async function rejectionStreak(db: SqlSession, broker: string, since: Date, limit: number): Promise<RejectionStreak> {
  const rows = await rowsOf(db, AnsweredRow, ANSWERED_SQL, [broker, since, limit]);
  let streak = 0;
  while (streak < rows.length && rows[streak]!.broker_refused) streak++;
  const refused = rows.slice(0, streak);
  return { streak, clientOrderIds: refused.map((r) => r.client_order_id).reverse(), lastBrokerReason: refused[0]?.broker_reason ?? null };
}

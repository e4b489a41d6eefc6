import type { OrderStatus } from '../../lib/order-status.js';
import type { ExecutionOutcome } from './execute.js';
import type { ExitOutcome } from './exit-types.js';

/**
 * What the broker said when an order with an attempt mark and no booking was
 * looked up (`findSubmitted`, never a POST): the evidence /resolve shows and
 * the audit chain records.
 */
export type BrokerEvidence =
  | {
      kind: 'found';
      broker: string;
      brokerOrderId: string;
      status: OrderStatus;
      qty: number;
      filledQty: number;
      avgFillPrice: number | null;
      /** RFC 3339, as the broker said. */
      submittedAt: string;
      updatedAt: string;
    }
  /** The broker shows no order with this client order id (nor matching terms). */
  | { kind: 'none'; broker: string }
  /**
   * The lookup itself failed (broker unreachable, bad answer): nothing is known. `otherOrder`: the
   * broker holds a different order under our client order id (not ours; nothing is booked from it).
   */
  | { kind: 'lookup_failed'; broker: string; error: string; otherOrder?: true };

/**
 * How an approval stuck after its attempt mark is settled:
 * - `auto`: the recovery pass — found and final → booked; not found → failed
 *   (`lost_after_crash`); anything else stays for an admin;
 * - `mark_failed`: an admin's confirmed "Mark failed" (refused while the broker
 *   shows a live or filled order);
 * - `book_fill`: an admin's confirmed "Book fill": books the broker's final
 *   answer once (refused when the broker has nothing final to book).
 * The admin modes carry the state version the admin was shown: a row that
 * changed since is refused.
 */
/**
 * How a settling run was asked for. `mark_failed.verified`: the admin was shown
 * an order AT the broker, so only a press-time lookup that finds nothing may
 * close it (a failed lookup leaves it: a blip never closes a live order).
 */
export type SettleMode = { kind: 'auto' } | { kind: 'mark_failed'; by: string; version: number; verified?: boolean } | { kind: 'book_fill'; by: string; version: number };

/** Why a settling run left the approval as it was. */
export type StuckCause =
  /** The lookup failed: nothing is known. */
  | 'lookup_failed'
  /** The broker shows the order still working (not final): it cannot be booked yet. */
  | 'working'
  /** Mark failed refused: the broker shows an order with shares filled or still working. */
  | 'order_at_broker'
  /** Book fill refused: the broker has no final order to book. */
  | 'nothing_to_book'
  /** Book fill refused: the order under our client order id at the broker is a different one (not ours; exits only). */
  | 'not_ours';

/** What one settling run of one approval did. */
export type SettleResult =
  | { kind: 'not_found'; approvalId: string }
  /** Another run (a live executor, another pass) holds the approval's lock: left alone. */
  | { kind: 'busy'; approvalId: string }
  /** Not stuck (finished, booked, no attempt mark, or the mark is younger than the limit): nothing done. */
  | { kind: 'not_stuck'; approvalId: string; outcome: ExecutionOutcome }
  /** The state changed since the admin was shown it: nothing done. */
  | { kind: 'changed'; approvalId: string; version: number }
  /** Booked through the entry's booking (never a second POST). */
  | { kind: 'booked'; approvalId: string; outcome: ExecutionOutcome; evidence: BrokerEvidence }
  /** Closed failed (`lost_after_crash`), budget released. */
  | { kind: 'failed'; approvalId: string; outcome: ExecutionOutcome; evidence: BrokerEvidence }
  /** Still ambiguous: left for an admin (/stuck, /resolve). */
  | { kind: 'ambiguous'; approvalId: string; cause: StuckCause; evidence: BrokerEvidence };

/** What the recovery pass did with one exit order (stop, time stop, flatten) stuck after its attempt mark. */
export type ExitSettleResult =
  | { kind: 'busy'; clientOrderId: string }
  | { kind: 'not_stuck'; clientOrderId: string }
  | { kind: 'booked'; clientOrderId: string; outcome: ExitOutcome; evidence: BrokerEvidence }
  /** Closed unsent (`lost_after_crash`): the position's next exit run may place a new order. */
  | { kind: 'closed'; clientOrderId: string; outcome: ExitOutcome; evidence: BrokerEvidence }
  | { kind: 'ambiguous'; clientOrderId: string; cause: StuckCause; evidence: BrokerEvidence };

/** What an admin's /resolve press did with a stuck exit order (see settle-exit.ts). */
export type ExitResolveResult =
  /** Unknown, booked meanwhile, no attempt mark, or the mark is younger than the limit: nothing done. */
  | { kind: 'not_stuck'; clientOrderId: string }
  /** A run holds the position's lock: nothing done. */
  | { kind: 'busy'; clientOrderId: string }
  /** The row changed since the admin was shown it: nothing done. */
  | { kind: 'changed'; clientOrderId: string; version: number }
  /** Booked once from the broker's final answer (position reduced, P&L). */
  | { kind: 'booked'; clientOrderId: string; outcome: ExitOutcome; evidence: BrokerEvidence }
  /** Closed unbooked, nothing sold: the position's next exit run may send a new order under a new id. */
  | { kind: 'failed'; clientOrderId: string; outcome: ExitOutcome; evidence: BrokerEvidence }
  /** Refused with the fresh evidence: nothing done. */
  | { kind: 'ambiguous'; clientOrderId: string; cause: StuckCause; evidence: BrokerEvidence };

/**
 * The circuit breaker's data: its limits per market and the proof of a trip.
 * Codes and figures only (faces word them: src/bot/views/alert-text.ts).
 *
 * A market is keyed by the name of the broker that trades it (`paper`,
 * `alpaca-paper`, `alpaca-live` today; a Korean broker later), so each
 * market gets its own limits, its own rejection count and its own alert key.
 */

/** When the breaker trips for one market; `null` turns that check off (the setting's `0`). */
export interface CircuitLimits {
  /** Trip when the session's (realized + unrealized) P&L is a loss of more than this % of the market's equity. */
  dailyLossPct: number | null;
  /** Trip after this many consecutive orders the broker refused. */
  rejects: number | null;
}

/** The proof of a trip on consecutive broker rejections. */
export interface RejectionsTrip {
  kind: 'broker_rejections';
  /** The setting that was reached (CIRCUIT_REJECTS). */
  limit: number;
  /** The refused orders' client order ids, oldest first (exactly `limit` of them). */
  clientOrderIds: string[];
  /** The broker's own words on the latest refusal (its data), null when it gave none. */
  lastBrokerReason: string | null;
}

/**
 * The proof of a trip on the session's loss: the figures /pnl shows for the
 * day (realized P&L booked in the session, unrealized P&L now over the open
 * positions) against the equity the day is measured from.
 */
export interface SessionLossTrip {
  kind: 'session_loss';
  /** The market's session (`YYYY-MM-DD`, the exchange's own date). */
  sessionDate: string;
  /** ISO 4217 code of every amount below. */
  currency: string;
  realized: number;
  unrealized: number;
  /** Open positions without any price: left out of `unrealized`, as /pnl leaves them out. */
  unpriced: number;
  /** realized + unrealized (negative: a loss). */
  loss: number;
  /** The equity the session is measured from: the previous session's mark, else the session's own (see `equityAsOf`). */
  equity: number;
  /** The session whose equity point `equity` is. */
  equityAsOf: string;
  /** The setting that was passed (CIRCUIT_DAILY_LOSS_PCT), in percent. */
  pct: number;
  /** −pct % × equity: the loss at or past which the breaker trips. */
  threshold: number;
}

/** What tripped the breaker, with its figures. */
export type CircuitTrip = RejectionsTrip | SessionLossTrip;

/** A check that engaged the kill switch. */
export interface Tripped<T extends CircuitTrip> {
  kind: 'tripped';
  trip: T;
  /** The kill epoch the engage produced (null: no store reported one). */
  epoch: number | null;
  /** The admin alert was raised (false: its store failed; the switch is engaged all the same). */
  alerted: boolean;
  /** The audit row with the figures was written (false: the audit chain failed; likewise). */
  audited: boolean;
}

/** Outcomes every check shares. */
export type CheckCommon =
  /** The setting turns this check off. */
  | { kind: 'off' }
  /** The switch is already on (by anyone, or unreadable: fail closed): nothing to judge, nothing changed. */
  | { kind: 'already_engaged'; reason: string | null }
  /** Another process held the breaker's lock too long; it is tripping (or judged) right now. */
  | { kind: 'busy' };

/** {@link CircuitBreaker.checkRejections}'s answer. `streak`: the broker's consecutive refusals counted now. */
export type RejectionsCheck = CheckCommon | { kind: 'clear'; streak: number; limit: number } | Tripped<RejectionsTrip>;

/**
 * {@link CircuitBreaker.checkSessionLoss}'s answer.
 * `not_judged`: `not_current_session` — the date is not the market's current
 * session (a mark of an older day says nothing about this one); `no_equity` —
 * nothing was ever marked, so there is no equity to measure against;
 * `resumed_this_session` — it tripped this session and an admin resumed since
 * (their call holds until the next session).
 */
export type SessionLossCheck =
  | CheckCommon
  | { kind: 'not_judged'; why: 'not_current_session' | 'no_equity' | 'resumed_this_session'; sessionDate: string }
  | { kind: 'clear'; loss: number; equity: number; threshold: number }
  | Tripped<SessionLossTrip>;

import type { Market } from '../../engine/market/markets.js';
import type { Logger } from 'pino';
import type { UnitOfWork } from '../../adapters/db/port.js';
import type { Broker } from '../../adapters/brokers/port.js';
import type { OrderStatus } from '../../lib/order-status.js';
import type { ExitReason } from '../../engine/exits/index.js';
import type { QuoteProvider } from '../../adapters/market-data/port.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import type { RecordedReason } from './recorded-reasons.js';

/**
 * Why an exit order was placed: the rule exits and `/kill flatten` (the
 * engine's {@link ExitReason}), or `close` — a person's `/close` of one
 * position (or its Close button), confirmed and bound like flatten.
 */
export type OrderExitReason = ExitReason | 'close';

/** Tunables of the exit job (config: EXIT_* variables, see the README wiring list). */
export interface ExitLimits {
  /** Sell IOC limit = bid × (1 − buffer), rounded down to the tick. Default 0.005 (0.5 %). */
  limitBuffer: number;
  /** The time stop fires this many minutes before today's close (13:00 on early closes). Default 15. */
  timeStopLeadMinutes: number;
  /** Rule exits (stop / time stop / profit target) per position, reason and trading day. Default 1: a run never places a second one. */
  maxAttemptsPerDay: number;
  /** `/kill flatten` sells per position and trading day (each needs a confirmed admin request). Default 3. */
  flattenMaxAttemptsPerDay: number;
  /**
   * Whether stop and time-stop exits may reach the broker while the kill
   * switch is on. Default false: the kill switch halts every order
   * (DESIGN §5.2, Kobe's `@require_no_kill_switch`); the explicit
   * `/kill flatten` is the way to sell under the switch.
   */
  exitsDuringKill: boolean;
  /** Rule exits run only while a regular session is open (IOC orders execute nowhere else). Default true. */
  requireOpenSession: boolean;
}

export const DEFAULT_EXIT_LIMITS: Readonly<ExitLimits> = Object.freeze({
  limitBuffer: 0.005,
  timeStopLeadMinutes: 15,
  maxAttemptsPerDay: 1,
  flattenMaxAttemptsPerDay: 3,
  exitsDuringKill: false,
  requireOpenSession: true,
});

/** What the exit job (and `/kill flatten`) need. Everything is injected, as for `executeApproval`. */
export interface ExitDeps {
  db: UnitOfWork;
  /**
   * The market whose positions these deps exit (default US): `broker` serves
   * only that market, so a run never offers another market's shares to it.
   */
  market?: Market;
  broker: Broker;
  /** Live quotes: the bid both triggers the stop and prices the sell. */
  quotes: QuoteProvider;
  /** Latest trade or close, used to check a stop only when the quote has no bid. Optional. */
  lastPrice?: (symbol: string) => Promise<number | null>;
  killSwitch: { state(): Promise<KillSwitchState> };
  audit: { append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number> };
  limits?: Partial<ExitLimits>;
  now?: () => Date;
  logger?: Logger;
  /** Removes secrets from any text stored or returned. */
  scrub?: (text: string) => string;
  /** How long to wait for an exit order to become terminal at the broker. Default 30 s. */
  waitTimeoutMs?: number;
  /** How long a second runner waits for the position lock. Default 60 s. */
  lockWaitMs?: number;
  /**
   * Time in force of exit sells (stop, time stop, target, /close, flatten): `ioc` (default), or
   * `day` for a broker account that refuses IOC (ALPACA_ENTRY_TIF=day, the same setting as
   * entries): a DAY limit the lifecycle cancels once it has rested `dayCancelAfterMs` unfilled
   * (ALPACA_DAY_CANCEL_AFTER_S; the cancel recorded as `day_timeout`), booking what filled.
   */
  timeInForce?: 'ioc' | 'day';
  /** How long a DAY exit may rest unfilled before it is cancelled. Default 30 s. */
  dayCancelAfterMs?: number;
}

/**
 * - `filled` / `partially_filled` / `not_filled`: the order is booked (fills, position, realized P&L).
 * - `rejected`: the broker refused it, or it was closed unsent (kill switch, stale); nothing sold.
 * - `pending`: the order may be working or its outcome is unknown; the next run only looks it up.
 * - `blocked`: an exit was due but the kill switch is on; nothing was sent.
 * - `skipped`: an exit was due but today's attempts are used up; nothing was sent.
 * - `failed`: nothing was sent this run (no quote, broker down, unexpected error); the next run tries again.
 */
export type ExitStatus = 'filled' | 'partially_filled' | 'not_filled' | 'rejected' | 'pending' | 'blocked' | 'skipped' | 'failed';

/** One exit's result, with the numbers a notification needs. */
export interface ExitOutcome {
  symbol: string;
  strategy: string;
  reason: OrderExitReason;
  status: ExitStatus;
  /** Shares the order asked to sell (0 when no order was placed). */
  qty: number;
  filledQty: number;
  avgFillPrice: number | null;
  /** (avg fill − avg cost) × filled qty, in dollars; null when nothing was booked. */
  realizedPnl: number | null;
  /** Our order row's state; null when no order exists. */
  orderState: OrderStatus | null;
  clientOrderId: string | null;
  /** The stop level for stop exits, the target level for target exits, the bid that decided a time stop or flatten. */
  decisionPrice: number | null;
  /**
   * The live bid a target exit was decided on in this run (its notice names
   * it next to the target). Absent for the other exits, and when the outcome
   * comes from looking an earlier order up.
   */
  bid?: number;
  limitPrice: number | null;
  /** Shares of the position still held after this outcome. */
  remainingQty: number;
  /**
   * The reason recorded on the order row (`reject_detail`) when it was closed
   * unexecuted or the broker refused it, as a code with its figures (the
   * broker's own words inside `broker_rejected`), or — `ioc_ended` — who ended
   * an order that ended canceled or expired short of its qty (the IOC, /kill,
   * Courtside's DAY timeout, …). Not `reason`: that is the exit's rule (stop,
   * time stop, flatten).
   */
  rejectReason: RecordedReason | null;
  /** `day` for a DAY sell (ALPACA_ENTRY_TIF=day) whose unfilled rest Courtside cancels; absent for IOC (and when no order was placed). */
  timeInForce?: 'day';
  /** What happened beyond the status, as a code and figures (a face turns it into words). */
  note: ExitNote;
}

/** What made an exit due: the rule's own description (from `decideExit`), a confirmed `/kill flatten`, or a confirmed `/close`. */
export type ExitTrigger =
  | { kind: 'rule'; detail: string }
  | { kind: 'flatten'; requestedBy: string }
  /** `underKill`: an admin's "Sell under kill", bound to the kill epoch it was confirmed for. */
  | { kind: 'close'; requestedBy: string; underKill: boolean };

/**
 * The detail of an exit outcome (`error`: the scrubbed error text of the failing call):
 * - `order`: nothing beyond the order row's own status and figures;
 * - `attempts_used`: due, but today's attempts are used up (status `skipped`);
 * - `no_bid`: due, but there is no bid to price the sell (status `failed`);
 * - `kill_switch`: due, but the kill switch is on (status `blocked`); `why` is the switch's reason;
 * - `claimed`: another run set the attempt mark first; the order is only looked up;
 * - `not_placed`: the broker placed nothing; the next run sends the same order;
 * - `unknown`: the submission's outcome is unknown and the order not visible yet;
 * - `lookup_failed`, `missing`, `wait_failed`, `working`: the sent order could not be
 *   settled this run; the next run looks it up again (never re-sent);
 * - `ambiguous`: a different order holds this exit's client order id at the broker (a restored
 *   database, a second installation): nothing is booked from it and nothing re-sent under the id;
 *   the position's exits wait for an admin (/stuck lists the order; admins are alerted);
 * - `stop_unchecked`: no quote, so the stop could not be checked;
 * - `no_quote`: flatten had no quote to price the sell;
 * - `kill_switch_changed`: the kill switch moved past the epoch this flatten was confirmed for
 *   (a /resume or another /kill): nothing more is sold (status `skipped`);
 * - `busy`: another run holds the position;
 * - `crashed`: the run failed unexpectedly for this position.
 */
export type ExitNote =
  | { code: 'order' }
  | { code: 'attempts_used'; trigger: ExitTrigger; attempts: number }
  | { code: 'no_bid'; trigger: ExitTrigger }
  | { code: 'kill_switch'; why: string | null }
  | { code: 'claimed' }
  | { code: 'not_placed'; error: string }
  | { code: 'unknown'; error: string }
  | { code: 'lookup_failed'; error: string }
  | { code: 'ambiguous'; error: string }
  | { code: 'missing'; broker: string }
  | { code: 'wait_failed'; error: string }
  | { code: 'working'; status: OrderStatus; broker: string }
  | { code: 'stop_unchecked'; error: string }
  | { code: 'no_quote'; error: string }
  | { code: 'kill_switch_changed'; confirmedEpoch: number; epoch: number | null; changedAt: string | null }
  | { code: 'busy' }
  | { code: 'crashed'; error: string };

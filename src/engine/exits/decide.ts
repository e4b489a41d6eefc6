import { sessionAt } from '../calendar/index.js';

/** Why an exit order is placed: the two rule exits, or `/kill flatten`. */
export type ExitReason = 'stop' | 'time_stop' | 'flatten';
/** The exits the rules decide on their own (no approval: they reduce risk). */
export type RuleExitReason = Exclude<ExitReason, 'flatten'>;

/** What the rules need to know about a position. */
export interface ExitPositionView {
  qty: number;
  /** Protective stop price; null when none was recorded. */
  stop: number | null;
  /** New York date of the session whose close ends the trade (see `timeStopDate`); null for none. */
  timeStopDate: string | null;
}

export interface ExitDecisionInput {
  position: ExitPositionView;
  /** Live bid; null (or ≤ 0) when the book has no bid. */
  bid: number | null;
  /** Latest trade or close, used to check the stop only when there is no bid. */
  lastPrice?: number | null;
  /** Today's New York trading day, `YYYY-MM-DD`. */
  today: string;
  /** True once today's session is inside its time-stop window (see {@link inTimeStopWindow}). */
  inTimeStopWindow: boolean;
}

export interface ExitDecision {
  exit: RuleExitReason | null;
  /** One sentence for logs, the audit chain and the notification. */
  reason: string;
  /** The price the stop was checked against (bid, else last price); null when neither was usable. */
  price: number | null;
}

/**
 * Decides whether a long position must be exited now. Pure.
 *
 * - Stop first: the bid (the price a sell would get; the last price when
 *   there is no bid) at or below the stop exits, whatever the time stop says.
 * - Time stop: on `timeStopDate` the position exits inside the time-stop
 *   window (near the close of bar N, as the backtest exits at close[N]);
 *   after that date (a missed run, a halt) it is overdue and exits at once.
 */
export function decideExit(input: ExitDecisionInput): ExitDecision {
  const { position: p, today } = input;
  const price = positive(input.bid) ?? positive(input.lastPrice) ?? null;
  if (!(p.qty > 0)) return { exit: null, reason: 'no shares held', price };
  const src = positive(input.bid) !== null ? 'bid' : 'last price';
  if (p.stop !== null && price !== null && price <= p.stop) {
    return { exit: 'stop', reason: `${src} ${fmt(price)} is at or below the stop ${fmt(p.stop)}`, price };
  }
  if (p.timeStopDate !== null) {
    if (today > p.timeStopDate) return { exit: 'time_stop', reason: `time stop overdue: the trade should have closed on ${p.timeStopDate}`, price };
    if (today === p.timeStopDate && input.inTimeStopWindow) return { exit: 'time_stop', reason: `time stop: ${today} is the last bar of the trade`, price };
  }
  const stopText = p.stop === null ? 'no stop set' : price === null ? `no price to check the stop ${fmt(p.stop)} against` : `${src} ${fmt(price)} above the stop ${fmt(p.stop)}`;
  const timeText = p.timeStopDate === null ? 'no time stop' : today === p.timeStopDate ? `time stop at today's close` : `time stop on ${p.timeStopDate}`;
  return { exit: null, reason: `hold: ${stopText}; ${timeText}`, price };
}

/**
 * True when `instantMs` falls in an open session and no more than
 * `leadMinutes` before its close (13:00 closes included). The scheduler runs
 * the exits job in this window so a time stop sells near close[N].
 */
export function inTimeStopWindow(instantMs: number, leadMinutes: number): boolean {
  const at = sessionAt(instantMs);
  if (!at || !at.isOpen) return false;
  return instantMs >= at.session.close - leadMinutes * 60_000;
}

/** True while a regular session is open at `instantMs` (IOC orders only execute then). */
export function isMarketOpen(instantMs: number): boolean {
  return sessionAt(instantMs)?.isOpen ?? false;
}

function positive(n: number | null | undefined): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
}

function fmt(n: number): string {
  return n >= 1 ? n.toFixed(2) : String(Number(n.toFixed(4)));
}

import { sessionAt } from '../calendar/index.js';

/** Why an exit order is placed: the three rule exits (stop, time stop, profit target), or `/kill flatten`. */
export type ExitReason = 'stop' | 'time_stop' | 'target' | 'flatten';
/** The exits the rules decide on their own (no approval: they reduce risk). */
export type RuleExitReason = Exclude<ExitReason, 'flatten'>;

/** What the rules need to know about a position. */
export interface ExitPositionView {
  qty: number;
  /** Protective stop price; null when none was recorded. */
  stop: number | null;
  /**
   * Profit target price (a LIVE hypothesis's exits, carried from its pick);
   * absent or null for none — Kobe picks, older positions.
   */
  target?: number | null;
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
  /** The price the stop was checked against (bid, else last price); null when neither was usable. A target exit's price is the bid. */
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
 * - Profit target (only with a target): the LIVE bid at or above it exits.
 *   Only a bid counts, never the last price: taking profit "at the target"
 *   means a sale priced off a bid there. A due time stop wins over it: both
 *   sell the whole position IOC at the same bid, so the sale is the same,
 *   and exit attempts are counted per reason and day, so a target order that
 *   went unfilled must not hold up the time stop. The stop wins over both.
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
  const target = positive(p.target);
  const bid = positive(input.bid);
  if (target !== null && bid !== null && bid >= target) {
    return { exit: 'target', reason: `profit target: bid ${fmt(bid)} is at or above the target ${fmt(target)}`, price: bid };
  }
  const stopText = p.stop === null ? 'no stop set' : price === null ? `no price to check the stop ${fmt(p.stop)} against` : `${src} ${fmt(price)} above the stop ${fmt(p.stop)}`;
  const timeText = p.timeStopDate === null ? 'no time stop' : today === p.timeStopDate ? `time stop at today's close` : `time stop on ${p.timeStopDate}`;
  const targetText = target === null ? '' : bid === null ? `; no bid to check the target ${fmt(target)} against` : `; bid ${fmt(bid)} below the target ${fmt(target)}`;
  return { exit: null, reason: `hold: ${stopText}${targetText}; ${timeText}`, price };
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

/**
 * What a digest says, as plain data (codes and figures): the queries
 * (queries.ts) fill these in; the bot's views (src/bot/views/digest-view.ts)
 * and chart spec (src/bot/charts/digest-chart.ts) turn them into a message. Prices are per share.
 *
 * A digest is one market's book: US (dollars, New York dates; the `market`
 * field is absent, as in every digest before markets) or KR (`market: 'KR'`:
 * whole won, Seoul dates of KRX sessions). Amounts of two markets are never
 * in one digest, so they are never added. "In dollars" below means "in the
 * market's currency" for a KR digest.
 */
import type { Market } from '../../engine/market/markets.js';
import type { AlertView } from '../alerts/alerts.js';
import type { AlertDetail } from '../alerts/details.js';
import type { RecordedReason } from '../execution/recorded-reasons.js';
import type { AuditHead } from '../audit/head.js';
import type { RolePin } from '../status/config-pin.js';
import type { HypothesesDigest } from './hypotheses.js';
import type { MarkOrigin } from '../portfolio/mark-source.js';

export type DigestKind = 'morning' | 'close';
export const DIGEST_KINDS = ['morning', 'close'] as const satisfies readonly DigestKind[];

/** The kill switch as the digest shows it. */
export interface DigestKillSwitch {
  engaged: boolean;
  reason: string | null;
  changedBy: string | null;
  changedAt: Date | null;
}

/** One open position and how it moved since the close before its latest price. */
export interface PositionLine {
  symbol: string;
  strategy: string;
  qty: number;
  avgCost: number;
  stop: number | null;
  timeStopDate: string | null;
  /** Latest known price (positions.last_price, else the latest mark, else the latest bar close). */
  price: number | null;
  /** New York date of `price`. */
  priceDate: string | null;
  /** Where `price` came from: the broker's mark and its time, a bar close and its date (null without a price; absent in older fixtures). */
  priceOrigin?: MarkOrigin | null;
  /**
   * What the move is measured from: the close before `priceDate` (position
   * mark, else bar close) for shares held at that close; the fill price for
   * shares bought after it. See `refKind`.
   */
  refPrice: number | null;
  /** The close's date (`close`, `mixed`), or the date of the first buy after it (`fill`). */
  refDate: string | null;
  /** `close`: every share was held at the close; `fill`: every share was bought after it; `mixed`: some of each (refPrice blends them). */
  refKind?: 'close' | 'fill' | 'mixed' | null;
  /** Where the close behind `refPrice` came from (`close` / `mixed`; null for `fill`): a broker's mark is never called a close. */
  refOrigin?: MarkOrigin | null;
  /** price − refPrice, per share. */
  change: number | null;
  /** change / refPrice. */
  changePct: number | null;
  /** What the move did to the account, in cents: change × qty (each share from its own reference). */
  changeValue: number | null;
  /** (price − avgCost) × qty, in cents. */
  unrealized: number | null;
}

/** A pick waiting for Approve/Reject. */
export interface PendingPick {
  id: string;
  symbol: string;
  strategy: string;
  qty: number;
  entry: number;
  expiresAt: Date;
}

/** An approval whose order has not been placed or finished yet. */
export interface OpenApproval {
  id: string;
  pickId: string;
  symbol: string;
  strategy: string;
  qty: number;
  state: string;
  expiresAt: Date;
}

export interface BudgetLine {
  date: string;
  /** The configured daily budget; null when none is configured. */
  limit: number | null;
  spent: number;
  /** max(0, limit − spent); null without a limit. */
  left: number | null;
}

/** A scan the scheduler will run today. */
export interface ScheduledScan {
  at: Date;
  /** e.g. "all" or "donchian". */
  what?: string;
}

/** The newest bar of one data source. */
export interface SourceFreshness {
  source: string;
  demo: boolean;
  symbols: number;
  lastDate: string;
  /** Sessions between lastDate and the expected date (0 = up to date). */
  sessionsBehind: number;
}

/** What a digest shows of an alert (see src/alerts). */
export type AlertLine = Pick<AlertView, 'key' | 'kind' | 'severity' | 'detail' | 'state' | 'firstAt' | 'lastAt' | 'resolvedAt' | 'count'>;

export interface MorningDigestData {
  kind: 'morning';
  /** The market whose book this is; absent = US (digests before markets, and every US digest). */
  market?: Market;
  generatedAt: Date;
  /** Market-local date the digest is for (New York for US, Seoul for KR). */
  sessionDate: string;
  /** False on weekends and exchange holidays. */
  marketOpenToday: boolean;
  /** Any synthetic (DEMO) data in the bars store. */
  demo: boolean;
  killSwitch: DigestKillSwitch;
  /** Biggest move in dollars first. */
  positions: PositionLine[];
  /** Soonest expiry first. */
  pendingPicks: PendingPick[];
  openApprovals: OpenApproval[];
  budget: BudgetLine;
  /** In time order. */
  scans: ScheduledScan[];
  freshness: { expected: string; sources: SourceFreshness[] };
  openAlerts: AlertLine[];
  /** The audit chain's last row when the digest was built (null while empty): an outside anchor for `audit verify --expect-head`. */
  auditHead: AuditHead | null;
  /** The configuration pin each role runs with (issue 20; absent in older fixtures, empty when none was recorded). */
  configPins?: RolePin[];
}

/** One order that filled (wholly or partly) today. */
export interface FillLine {
  orderId: string;
  symbol: string;
  strategy: string;
  side: 'buy' | 'sell';
  kind: 'entry' | 'exit';
  qty: number;
  avgPrice: number;
  /** On the tick (the stored decision price rounded to the nearest tick). */
  decisionPrice: number | null;
  /** Per share, positive = worse than the decision price (buys: fill − decision; sells: decision − fill). */
  slippage: number | null;
  slippageBps: number | null;
  /** slippage × qty: what the slippage cost in dollars (negative = price improvement). */
  slippageCost: number | null;
  lastFillAt: Date;
}

export type ExitReason = 'stop' | 'time_stop' | 'target' | 'flatten' | 'close';

/** A position (or part of one) closed today. */
export interface ExitLine {
  orderId: string;
  symbol: string;
  strategy: string;
  qty: number;
  price: number;
  reason: ExitReason;
  realizedPnl: number | null;
  at: Date;
}

interface FailureBase {
  /** `critical`, `error`, `warning`, … (alerts keep their own). */
  severity: string;
  at: Date;
  /** Alerts only: still open. */
  open: boolean;
  count: number;
}

/** An alert open now or active on the day. */
export interface AlertFailure extends FailureBase {
  source: 'alert';
  /** The alert kind, e.g. `broker-rejected`. */
  kind: string;
  /** What the raiser found, as stored in the alert (a code and figures). */
  detail: AlertDetail;
}

/** A rejected order, or an exit that did not (fully) fill (the position is still open). */
export interface OrderFailure extends FailureBase {
  source: 'order';
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
  /** Shares that filled: above 0 only for an exit whose rest ended unfilled. */
  filledQty: number;
  orderKind: 'entry' | 'exit';
  exitReason: ExitReason | null;
  /** `rejected`, or `canceled` / `expired` for an exit that did not fill, or filled only part. */
  state: string;
  /** Why the order was closed without a fill, as recorded (`orders.reject_detail`); null when it was not. */
  rejectReason: RecordedReason | null;
  /** The broker's own words (`orders.reject_reason`), when it said any. */
  brokerReason: string | null;
}

/** An approval that failed, or was refused by a gate without reaching the broker. */
export interface ApprovalFailure extends FailureBase {
  source: 'approval';
  symbol: string;
  state: 'failed' | 'refused';
  /** The gate that refused it (refusals only). */
  refusedGate: string | null;
  /** The recorded reason (`approvals.reason_detail`), when there is one. */
  reason: RecordedReason | null;
}

/** Something that went wrong today: an alert, a rejected order, a failed or refused approval. */
export type FailureLine = AlertFailure | OrderFailure | ApprovalFailure;

export interface ClosePnl {
  /** Σ realized_pnl of orders booked today (today's exits). */
  realized: number;
  /** Open positions' unrealized P&L at the close (today's marks, else last prices). */
  unrealizedNow: number;
  /** Unrealized P&L at the previous mark. */
  unrealizedPrev: number;
  /** Date of that previous mark; null when there is none. */
  prevMarkDate: string | null;
  /** realized + (unrealizedNow − unrealizedPrev). */
  day: number;
  equity: number | null;
  prevEquity: number | null;
  /** day / prevEquity. */
  dayReturn: number | null;
  openPositions: number;
  /** Open positions without any price (valued at cost). */
  unpriced: number;
  /** Where the priced positions' prices (behind `unrealizedNow`) came from, one per position (absent in older fixtures). */
  origins?: MarkOrigin[];
}

export interface BenchmarkLine {
  /** Empty when the market has none (KR: no real KRX index series is stored, and a synthetic one is never shown as real). */
  symbol: string;
  close: number | null;
  prevClose: number | null;
  /** close / prevClose − 1. */
  ret: number | null;
  source: 'equity_marks' | 'bars' | null;
}

export interface EquityCurve {
  dates: string[];
  equity: number[];
  /** Benchmark close on each date (null where unknown). */
  benchmark: (number | null)[];
}

/** The close digest's value-at-risk line: the 99 % one-day VaR and the equity it is a share of. */
export interface DigestValueAtRisk {
  /** The 99 % one-day VaR, in USD (the k-th largest bootstrap path loss). */
  var99: number;
  /** The equity of `pnl.equity` (the session's mark), else the previous mark; null when neither exists. */
  equity: number | null;
  paths: number;
  seed: number;
  /** Returns in the window; 0 when no bars were shared (the VaR is then 0 and says nothing). */
  days: number;
  /** Open positions left out for missing bars. */
  missing: string[];
}

export interface CloseDigestData {
  kind: 'close';
  /** The market whose book this is; absent = US. KR has no benchmark (`benchmark.symbol` empty), VaR or hypotheses section. */
  market?: Market;
  generatedAt: Date;
  sessionDate: string;
  demo: boolean;
  killSwitch: DigestKillSwitch;
  pnl: ClosePnl;
  benchmark: BenchmarkLine;
  /** Worst slippage (in dollars) first. */
  fills: FillLine[];
  /** Σ slippageCost of fills that have a decision price. */
  slippageTotal: number;
  /** In time order. */
  exits: ExitLine[];
  /** Open alerts first, then by severity, newest first. */
  failures: FailureLine[];
  curve: EquityCurve;
  /** The audit chain's last row when the digest was built (null while empty): an outside anchor for `audit verify --expect-head`. */
  auditHead: AuditHead | null;
  /** The configuration pin each role runs with (issue 20; absent in older fixtures, empty when none was recorded). */
  configPins?: RolePin[];
  /**
   * The open book's one-day 99 % value at risk at the close (issue 21 part 2; the bootstrap /risk
   * shows, judged on closes up to the session); absent when the digest was built without the VAR_*
   * settings (older callers, fixtures).
   */
  valueAtRisk?: DigestValueAtRisk;
  /**
   * Hypothesis transitions since the previous session's close and the PAPER /
   * LIVE shadow books; absent (the section is left out) when there are none.
   */
  hypotheses?: HypothesesDigest;
}

/**
 * What `/digest close` gives on a day without a session (a weekend, a
 * holiday): no close will come, so no day P&L. It names the last session (its
 * digest was that day's close digest) and the next, and values the open
 * positions exactly as /positions does.
 */
export interface NoSessionDigestData {
  kind: 'no-session';
  /** The market whose book and calendar this is; absent = US. */
  market?: Market;
  generatedAt: Date;
  /** The New York date asked for (not a session). */
  date: string;
  lastSession: string;
  nextSession: string;
  demo: boolean;
  killSwitch: DigestKillSwitch;
  /** The open positions now, as /positions totals them. */
  open: {
    count: number;
    /** Σ over priced positions. */
    unrealizedPnl: number;
    /** Positions without any price (not in `unrealizedPnl`). */
    unpriced: number;
    /** Priced positions at their price, unpriced ones at cost. */
    marketValue: number;
    /** Where the priced positions' prices came from, one per priced position (absent in older fixtures). */
    origins?: MarkOrigin[];
  };
  /** The latest equity mark on or before `date`; null when none was written. */
  equity: { date: string; equity: number } | null;
  auditHead: AuditHead | null;
  /** The configuration pin each role runs with (issue 20; absent in older fixtures). */
  configPins?: RolePin[];
}

export type DigestData = MorningDigestData | CloseDigestData | NoSessionDigestData;

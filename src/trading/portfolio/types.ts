import type { RecordedReason } from '../execution/recorded-reasons.js';
import type { MarkOrigin } from './mark-source.js';
import type { Market, MarketCurrency } from '../../engine/market/markets.js';
import type { RealizedNet } from './realized-net.js';

/**
 * The portfolio read model: what /positions, /orders and /pnl show. Plain
 * data (numbers already parsed from Postgres numerics), so views are pure
 * functions of these and unit-testable from fixtures.
 */

/** Where a position's current price came from. */
export type PriceSource =
  /** `positions.last_price` taken from the broker's current price by mark-to-market (Alpaca). */
  | 'broker'
  /** `positions.last_price` recorded before mark sources were kept (see `priceOrigin`). */
  | 'mark'
  /** A daily close: the mark-to-market's (recorded as such) or, with no mark yet, the latest in `bars_daily`. */
  | 'close'
  /** No price anywhere: the position is valued at cost and its P&L is unknown. */
  | 'none';

/** One open position (qty > 0) with its current valuation. */
export interface OpenPosition {
  symbol: string;
  /** The symbol's market (its prices and P&L are in that market's currency). Absent in fixtures: US. */
  market?: Market;
  strategy: string;
  qty: number;
  avgCost: number;
  openedAt: Date;
  stop: number | null;
  /** Profit target a LIVE hypothesis's exits set (null for Kobe positions and hypotheses without one). */
  target: number | null;
  /** New York date the time stop closes the position, `YYYY-MM-DD`. */
  timeStopDate: string | null;
  /** Realized P&L already booked on this symbol/strategy (partial exits). */
  realizedPnl: number;
  price: number | null;
  priceSource: PriceSource;
  /** New York date the price belongs to (`YYYY-MM-DD`), null when there is no price. */
  priceAsOf: string | null;
  /**
   * Where the price came from, as shown next to it ("Alpaca mark 15:42 ET",
   * "close 2026-12-04"); null without a price. Absent only in fixtures built
   * before sources were kept: views then go by `priceSource` and `priceAsOf`.
   */
  priceOrigin?: MarkOrigin | null;
  /** qty × avgCost. */
  costBasis: number;
  /** qty × price, null without a price. */
  marketValue: number | null;
  /** (price − avgCost) × qty, null without a price. */
  unrealizedPnl: number | null;
  /** price / avgCost − 1 as a fraction, null without a price. */
  unrealizedPct: number | null;
}

/** Totals over a set of positions of one market, in its currency. */
export type PositionTotals = PositionsSnapshot['totals'];

/** One market's open positions and their totals, in the market's currency. */
export interface MarketPositions {
  market: Market;
  currency: MarketCurrency;
  positions: OpenPosition[];
  totals: PositionTotals;
}

/** Open positions, most important first, and their totals. */
export interface PositionsSnapshot {
  positions: OpenPosition[];
  /**
   * Each market holding a position (US first), with totals in its own
   * currency. Absent in fixtures built before markets: every position is US.
   */
  markets?: MarketPositions[];
  /**
   * Totals of the US positions only, in dollars: amounts in different
   * currencies are never added (there is no FX source). Per-market totals
   * are in {@link PositionsSnapshot.markets}.
   */
  totals: {
    count: number;
    costBasis: number;
    /** Priced positions at their price, unpriced ones at cost (so a missing price never looks like a loss). */
    marketValue: number;
    /** Sum over priced positions only. */
    unrealizedPnl: number;
    /** Positions without any price (excluded from `unrealizedPnl`). */
    unpriced: number;
  };
}

export type OrderKind = 'entry' | 'exit';
export type ExitReason = 'stop' | 'time_stop' | 'target' | 'flatten' | 'close';
export type OrderState = 'new' | 'submitted' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired';

/** One row of `orders`, as /orders lists it. */
export interface RecentOrder {
  id: string;
  /** The order's market (its prices and P&L are in that market's currency). Absent in fixtures: US. */
  market?: Market;
  kind: OrderKind;
  exitReason: ExitReason | null;
  symbol: string;
  strategy: string;
  side: 'buy' | 'sell';
  qty: number;
  filledQty: number;
  avgFillPrice: number | null;
  limitPrice: number;
  state: OrderState;
  clientOrderId: string;
  /** e.g. `cs-1a2b3c4d`: enough to find the order, short enough for a phone line. */
  shortId: string;
  broker: string;
  /** Booked on exits only. */
  realizedPnl: number | null;
  /** Why the order was closed without a fill, as recorded (`orders.reject_detail`); null when it was not. */
  rejectReason: RecordedReason | null;
  /**
   * The broker's own words about the order (`orders.reject_reason`), null when
   * it said none. Rows from before reasons were typed hold the old recorded
   * text here (and, converted, in `rejectReason`).
   */
  brokerReason: string | null;
  createdAt: Date;
  bookedAt: Date | null;
}

/** /pnl periods. */
export const PNL_PERIODS = ['day', 'week', 'month'] as const;
export type PnlPeriod = (typeof PNL_PERIODS)[number];

/** The sessions a period covers, as New York dates. */
export interface PeriodRange {
  period: PnlPeriod;
  /** First session of the period. */
  from: string;
  /** The latest session on or before today: the period's last session. */
  to: string;
  /** Today's New York date (later than `to` on weekends and holidays). */
  today: string;
  /** The session before `from`: the equity the period's change is measured from. */
  baseline: string;
  /** Number of sessions from `from` to `to`. */
  sessions: number;
}

/** One point of the equity curve. */
export interface EquityPoint {
  date: string;
  equity: number;
  /** Computed now from the last mark, fills since then and current prices (no mark for this session yet). */
  live: boolean;
}

/** Realized P&L of closing orders, filed by the session of their fill. */
export interface RealizedSummary {
  /** Σ orders.realized_pnl. */
  total: number;
  /** Closing orders with realized P&L. */
  trades: number;
  wins: number;
  losses: number;
}

/**
 * /pnl for one period. The top-level figures are the US book's, in dollars
 * (won are never added to them); `markets` has each market's own.
 */
export interface PnlReport {
  range: PeriodRange;
  /** Trades filled in the period's sessions (a fill on a day without a session is filed under the next one). */
  realized: RealizedSummary;
  /**
   * On a day without a session: trades filled since the last session (after
   * `range.to`, through today), filed under `session`, the next one. Null on
   * a session day, or when there are none.
   */
  later?: (RealizedSummary & { session: string }) | null;
  /** Now, over the open positions. */
  unrealized: {
    total: number;
    positions: number;
    unpriced: number;
    /** Where the priced positions' prices came from, one per priced position (absent in older fixtures). */
    origins?: MarkOrigin[];
  };
  equity: {
    /** Oldest first, from the baseline session to `to`. */
    points: EquityPoint[];
    /** Last point minus the first one; null with fewer than two points. */
    change: number | null;
    /** Date of the first point (the change is measured from it). */
    since: string | null;
  };
  /**
   * Per currency, the realized P&L of the orders filed under the dates of
   * `range` before and after the fees their fills recorded (gross − fees =
   * net); absent when no fill of the period records a fee. Each order is
   * dated in its own market's zone, but the window is `range`'s (New York):
   * a market's own figures are in {@link PnlReport.markets}.
   */
  realizedNet?: RealizedNet[];
  /**
   * Each market with something to report (US first), on its own sessions and
   * in its own currency. Absent when only the US book has data (the report
   * then reads as it did before markets).
   */
  markets?: MarketPnl[];
}

/**
 * One market's /pnl: the report's figures over that market's sessions
 * (`range` in its calendar and zone: Seoul dates on KRX), its trades, open
 * positions and equity marks only, amounts in `currency`.
 */
export interface MarketPnl extends Omit<PnlReport, 'realizedNet' | 'markets'> {
  market: Market;
  currency: MarketCurrency;
  /** The realized P&L before and after the fees of the market's fills; absent when none records a fee. */
  realizedNet?: RealizedNet;
}

/**
 * Types of the half-Kelly allocation (DESIGN section 10). Every number a pick
 * card shows is here, so the card can print how the size was reached and a
 * reader can recompute it. Fractions are fractions (0.01 = 1 %), except
 * `maxPositionPct`, which is a percentage like EXEC_MAX_POSITION_PCT.
 */

/** Which rule set the risk fraction. */
export type RiskRule =
  /** Fewer than 5 wins or 5 losses: no estimate, a flat 0.25 % of equity. */
  | 'no_estimate'
  /** f ≤ 1e-9 (or no wins in ≥ 5 losses): no new risk, qty 0, and a demotion check. */
  | 'no_edge'
  /** f/2 · n/(n+30), below the 1 % cap. */
  | 'kelly'
  /** f/2 · n/(n+30) was above 1 %: the cap set it. */
  | 'cap_1pct';

/** The caps applied after Kelly, in this order. */
export type CapName =
  /** One position ≤ EXEC_MAX_POSITION_PCT of equity. */
  | 'position_pct'
  /** One LIVE hypothesis ≤ 40 % of equity in open positions. */
  | 'hypothesis_40pct'
  /** Cash after the buy ≥ 10 % of equity. */
  | 'cash_reserve'
  /** New risk this session (at the stops) ≤ 2 % of equity. */
  | 'session_risk_2pct';

/** The win/loss figures of a hypothesis's closed shadow-book trades, in R. */
export interface KellyEstimate {
  /** Closed trades (wins + losses + scratches). */
  n: number;
  wins: number;
  losses: number;
  /** Trades with R = 0: in n and not a win (so they lower p), but not in the mean loss. */
  scratches: number;
  /** wins / n; null when n = 0. */
  p: number | null;
  /** Mean R of the wins; null without wins. */
  meanWinR: number | null;
  /** Mean |R| of the losses (a positive number); null without losses. */
  meanLossR: number | null;
  /** meanWinR / meanLossR; null unless both exist. */
  b: number | null;
  /** Full Kelly p − (1 − p)/b; null unless p and b exist. */
  f: number | null;
  /** n / (n + 30): the heuristic trust in f. */
  shrink: number;
  /** f/2 · shrink (before the 1 % cap); null when f is null. */
  halfKellyShrunk: number | null;
}

/** One cap, applied to the quantity left by the previous step. */
export interface CapStep {
  cap: CapName;
  /**
   * The dollars the cap leaves for this order: notional for the position,
   * hypothesis and cash caps, risk at the stop for the session cap.
   * Negative when the cap is already exceeded (then maxQty is 0).
   */
  budget: number;
  /** Dollars one share uses of that budget: entry, or entry − stop for the session cap. */
  perShare: number;
  /** The largest whole quantity within the budget (≥ 0). */
  maxQty: number;
  qtyBefore: number;
  qtyAfter: number;
  /** True when this cap lowered the quantity. */
  bound: boolean;
}

/** The sizing of one pick, with every step. */
export interface KellySizing {
  ok: true;
  estimate: KellyEstimate;
  rule: RiskRule;
  /** Fraction of equity risked at the stop: 0.0025, min(f/2·shrink, 0.01), or 0. */
  riskFraction: number;
  /** riskFraction × equity. */
  riskDollars: number;
  /** entry − stop. */
  riskPerShare: number;
  /** floor(riskDollars / riskPerShare), before the caps. */
  kellyQty: number;
  caps: CapStep[];
  /** The quantity after every cap. */
  qty: number;
  /** The cap that set the final quantity (the last that lowered it); null when none did. */
  boundBy: CapName | null;
  /** qty × entry. */
  notional: number;
  /** qty × (entry − stop). */
  riskTaken: number;
  /** True when the rule is no_edge: the lifecycle should check the hypothesis for demotion. */
  demotionCheck: boolean;
}

/** Why inputs were refused (data, not text: the face words it). */
export type KellyRefusalReason =
  | 'non_finite'
  | 'equity_not_positive'
  | 'entry_not_positive'
  | 'stop_negative'
  | 'entry_not_above_stop'
  | 'max_position_pct_out_of_range'
  | 'negative_amount';

/** Inputs that cannot be sized; never thrown. */
export interface KellyRefusal {
  ok: false;
  reason: KellyRefusalReason;
  /** The input field at fault, e.g. `entry` or `rMultiples[3]`. */
  field: string;
  value: number;
}

export type KellyResult = KellySizing | KellyRefusal;

/** What the sizer needs. All money in the market's currency. */
export interface KellyInput {
  /** The hypothesis's closed shadow-book trades as R multiples. */
  rMultiples: readonly number[];
  /** The market's equity. */
  equity: number;
  /** The pick's entry price. */
  entry: number;
  /** The pick's stop price (below entry). */
  stop: number;
  /** EXEC_MAX_POSITION_PCT, a percentage in (0, 100]. Default 10. */
  maxPositionPct?: number;
  /** Value of the LIVE hypothesis's open positions now. */
  hypothesisOpenValue: number;
  /** Cash available in the market's account now. */
  cashAvailable: number;
  /** Risk at the stops already taken by new positions this session. */
  sessionRiskUsed: number;
}

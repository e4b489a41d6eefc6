/**
 * DESIGN section 9's thresholds, copied here as constants (the engine must
 * not read the design document). Fractions, not percentages: 0.15 = 15 %.
 */

/** INCUBATING → PAPER needs all of these on the walk-forward's out-of-sample trades. */
export const INCUBATION_RULES = Object.freeze({
  minOosTrades: 30,
  /** Annualised Sharpe of the daily OOS equity series. */
  minSharpe: 1.0,
  maxDrawdown: 0.15,
  minProfitFactor: 1.5,
  minWinRate: 0.4,
  minDeflatedSharpe: 0.95,
});

/** PAPER review on the shadow book. */
export const PAPER_RULES = Object.freeze({
  minSessions: 30,
  minClosedTrades: 20,
  minSharpe: 0.75,
  maxDrawdown: 0.1,
  minProfitFactor: 1.3,
  /** Keep = ask the admins again after this many more sessions. */
  askAgainAfterSessions: 10,
  /** Retired once this many sessions have passed without qualifying. */
  retireAfterSessions: 90,
  /** Retired when the paper drawdown exceeds this, qualifying or not. */
  retireAtDrawdown: 0.15,
});

/** LIVE → PAPER demotion on the shadow book. */
export const LIVE_RULES = Object.freeze({
  rollingSessions: 60,
  /** Demote when the rolling Sharpe is below this… */
  minRollingSharpe: 0.5,
  /** …and the rolling window holds at least this many trades (fewer is noise). */
  minRollingTrades: 10,
  /** Demote when the drawdown exceeds this fraction of the hypothesis's allocation cap. */
  maxDrawdownOfCap: 0.1,
  /** Demote after this many losses in a row. */
  maxLossStreak: 5,
});

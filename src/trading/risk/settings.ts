/** The portfolio-risk settings (CORR_*, VAR_*, EXEC_SLIPPAGE_ALERT_BPS; see .env.example). Percentages are of equity. */
export interface RiskSettings {
  corrLookback: number;
  corrLimit: number;
  corrClusterRiskPct: number;
  varLookback: number;
  varPaths: number;
  varSeed: number;
  varLimitPct: number;
  slippageAlertBps: number;
}

/** The defaults of .env.example (tests and tools that build deps without a config). */
export const DEFAULT_RISK_SETTINGS: RiskSettings = Object.freeze({
  corrLookback: 60,
  corrLimit: 0.7,
  corrClusterRiskPct: 2,
  varLookback: 250,
  varPaths: 10_000,
  varSeed: 20_261_207,
  varLimitPct: 3,
  slippageAlertBps: 25,
});

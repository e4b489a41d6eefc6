/**
 * What half-Kelly's caps read of the account when a scan sizes its picks
 * (DESIGN section 10): the cash available now (the 10 % cash reserve) and
 * the risk at the stops already taken by new positions this session (the
 * 2 % session cap), in the market's currency. The app wires it from the
 * broker's account and today's entries.
 */
export interface ScanAccountSnapshot {
  cashAvailable: number;
  sessionRiskUsed: number;
}

/** The account as the scan's sizing sees it. */
export interface ScanAccount {
  snapshot(): Promise<ScanAccountSnapshot>;
}

/**
 * Without an account port (not wired yet, or a test), the caps read an
 * all-cash account with no risk taken this session: the equity setting as
 * cash and 0 session risk. The position, hypothesis and 1 % risk caps still
 * bind, and PolicyGate and LiquidityGate check the real account at approval.
 */
export function assumedAccount(equity: number): ScanAccountSnapshot {
  return { cashAvailable: equity, sessionRiskUsed: 0 };
}

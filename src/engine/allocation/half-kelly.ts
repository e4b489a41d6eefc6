import { MAX_RISK, MIN_EDGE, MIN_LOSSES, MIN_WINS, NO_ESTIMATE_RISK } from './constants.js';
import type { KellyEstimate, RiskRule } from './types.js';

/** The fraction of equity to risk at the stop, and the rule that set it. */
export interface RiskChoice {
  rule: RiskRule;
  riskFraction: number;
}

/**
 * DESIGN section 10's risk rule.
 *
 * A non-positive edge gets no risk at all. KISMUTANT's original floored the
 * Kelly fraction at 10 %, so a strategy that loses money was still sized at
 * 10 %; this refuses it (rule `no_edge`, risk 0, a demotion check).
 *
 * One case is read more strictly than the plain "fewer than 5 wins or 5
 * losses" rule: no wins in 5 or more losses is `no_edge`, not `no_estimate`.
 * With p = 0, f = −1/b < 0 whatever b is, so the missing mean win does not
 * matter: the edge is known to be negative. (All wins, by contrast, stays
 * `no_estimate`: b is infinite and f = 1 would be a guess.)
 */
export function chooseRisk(est: KellyEstimate): RiskChoice {
  if (est.wins === 0 && est.losses >= MIN_LOSSES) return { rule: 'no_edge', riskFraction: 0 };
  if (est.wins < MIN_WINS || est.losses < MIN_LOSSES || est.f === null || est.halfKellyShrunk === null) {
    return { rule: 'no_estimate', riskFraction: NO_ESTIMATE_RISK };
  }
  if (est.f <= MIN_EDGE) return { rule: 'no_edge', riskFraction: 0 };
  // Equal to 1 % counts as Kelly: the cap "binds" only when it lowers the risk.
  if (est.halfKellyShrunk > MAX_RISK) return { rule: 'cap_1pct', riskFraction: MAX_RISK };
  return { rule: 'kelly', riskFraction: est.halfKellyShrunk };
}

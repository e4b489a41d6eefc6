/**
 * INCUBATING → PAPER or RETIRED after the one walk-forward evaluation
 * (DESIGN section 9). Pure data: the verdict, each check with its numbers,
 * and for a retirement every failed reason.
 */
import { check, type Check } from './checks.js';
import { INCUBATION_RULES as R } from './rules.js';

/** The walk-forward's out-of-sample figures. Drawdown and win rate as fractions; null = not computable. */
export interface IncubationFigures {
  oosTrades: number;
  /** Annualised Sharpe of the daily OOS equity series (× √252). */
  sharpe: number | null;
  /** Maximum drawdown as a positive fraction (0.12 = 12 %). */
  maxDrawdown: number | null;
  /** Gross profit / gross loss; Infinity when nothing lost. */
  profitFactor: number | null;
  winRate: number | null;
}

/** Why an incubation fails; each names one rule. */
export type IncubationFailure =
  | 'too_few_trades'
  | 'sharpe_too_low'
  | 'drawdown_too_deep'
  | 'profit_factor_too_low'
  | 'win_rate_too_low'
  | 'deflated_sharpe_too_low';

export type IncubationVerdict =
  | { to: 'PAPER'; figures: IncubationFigures; dsr: number | null; checks: Check<IncubationFailure>[] }
  | {
      to: 'RETIRED';
      figures: IncubationFigures;
      dsr: number | null;
      checks: Check<IncubationFailure>[];
      /** Every failed rule, in the order of `checks`. Never empty. */
      reasons: IncubationFailure[];
    };

/**
 * The verdict. Every rule is checked (not first-failure) so a retirement
 * lists all its reasons.
 *
 * @param dsr the deflated Sharpe ratio in [0, 1]; null when it could not be computed (fails)
 */
export function incubationVerdict(figures: IncubationFigures, dsr: number | null): IncubationVerdict {
  const checks: Check<IncubationFailure>[] = [
    check('too_few_trades', figures.oosTrades, '>=', R.minOosTrades),
    check('sharpe_too_low', figures.sharpe, '>=', R.minSharpe),
    check('drawdown_too_deep', figures.maxDrawdown, '<=', R.maxDrawdown),
    check('profit_factor_too_low', figures.profitFactor, '>=', R.minProfitFactor),
    check('win_rate_too_low', figures.winRate, '>=', R.minWinRate),
    check('deflated_sharpe_too_low', dsr, '>=', R.minDeflatedSharpe),
  ];
  const reasons = checks.filter((c) => !c.pass).map((c) => c.rule);
  return reasons.length === 0
    ? { to: 'PAPER', figures, dsr, checks }
    : { to: 'RETIRED', figures, dsr, checks, reasons };
}

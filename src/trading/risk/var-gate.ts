import { PASS, type GateResult } from '../../engine/risk/types.js';
import type { EntryCandidate, PortfolioRiskDeps, PortfolioSnapshot } from './entry-candidate.js';

/** The value-at-risk limit on a new entry (issue 21 part 2). SCAFFOLD: filled in by the value-at-risk work. */
export async function varGate(_deps: PortfolioRiskDeps, _c: EntryCandidate, _book: PortfolioSnapshot): Promise<GateResult> {
  return PASS;
}

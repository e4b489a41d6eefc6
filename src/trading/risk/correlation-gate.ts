import { PASS, type GateResult } from '../../engine/risk/types.js';
import type { EntryCandidate, PortfolioRiskDeps, PortfolioSnapshot } from './entry-candidate.js';

/** The correlation limit on a new entry (issue 21 part 1). SCAFFOLD: filled in by the correlation work. */
export async function correlationGate(_deps: PortfolioRiskDeps, _c: EntryCandidate, _book: PortfolioSnapshot): Promise<GateResult> {
  return PASS;
}

import { marketOfSymbol } from '../../engine/market/symbols.js';
import type { GateResult } from '../../engine/risk/types.js';
import { correlationGate } from './correlation-gate.js';
import type { EntryCandidate, PortfolioRiskDeps } from './entry-candidate.js';
import { loadOpenPositions } from './open-positions.js';
import { varGate } from './var-gate.js';

/**
 * The portfolio gates every new entry passes after the per-order ones (issue 21): the
 * correlation limit, then the value-at-risk limit. The open book is read once for both. The
 * first refusal is the answer (it names its gate and figures).
 */
export async function portfolioRiskGate(deps: PortfolioRiskDeps, c: EntryCandidate): Promise<GateResult> {
  // The candidate's own market: its book, its equity, its currency.
  const book = { positions: await loadOpenPositions(deps.db, marketOfSymbol(c.symbol)) };
  const corr = await correlationGate(deps, c, book);
  if (!corr.ok) return corr;
  return varGate(deps, c, book);
}

import { Correlator, judgeCorrelation } from '../../engine/risk/correlation.js';
import { marketOfSymbol } from '../../engine/market/symbols.js';
import { MARKETS } from '../../engine/market/markets.js';
import { correlationResult } from '../../engine/risk/correlation-refusal.js';
import { PASS, type GateResult } from '../../engine/risk/types.js';
import { closesToLoad, loadInFlightEntries, riskMembers } from './correlation-book.js';
import type { EntryCandidate, PortfolioRiskDeps, PortfolioSnapshot } from './entry-candidate.js';

/**
 * The correlation limit on a new entry (issue 21 part 1): the candidate's cluster — the open
 * positions and in-flight entries linked to it by a chain of daily-return correlations ≥ CORR_LIMIT
 * over the last CORR_LOOKBACK shared sessions up to the judged day — may carry at most
 * CORR_CLUSTER_RISK_PCT % of equity in open risk once the candidate is added. A candidate that moves
 * with nothing passes whatever its size. Symbols without enough bars are not linked (they are named
 * in a refusal's figures, never refused for it).
 */
export async function correlationGate(deps: PortfolioRiskDeps, c: EntryCandidate, book: PortfolioSnapshot): Promise<GateResult> {
  const inFlight = await loadInFlightEntries(deps.db, { symbol: c.symbol, strategy: c.strategy }, marketOfSymbol(c.symbol));
  const members = riskMembers(book.positions, inFlight);
  // Nothing open or in flight: nothing to move with.
  if (members.length === 0) return PASS;
  const { corrLookback: lookback } = deps.settings;
  const series = await deps.closes([c.symbol, ...members.map((m) => m.symbol)], closesToLoad(lookback), c.asOf);
  const corr = new Correlator(series, { lookback, asOf: c.asOf });
  const limit = limitOf(deps, c);
  return correlationResult(judgeCorrelation(corr, { symbol: c.symbol, risk: (c.price - c.stop) * c.qty }, members, limit), limit, MARKETS[marketOfSymbol(c.symbol)].currency);
}

function limitOf(deps: PortfolioRiskDeps, c: EntryCandidate) {
  return { corrLimit: deps.settings.corrLimit, maxClusterRiskPct: deps.settings.corrClusterRiskPct, equity: c.equity };
}


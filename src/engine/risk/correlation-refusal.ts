import { CORR_KEY, NO_DATA_KEY } from './correlation-sentences.js';
import type { CorrelationLimit, CorrelationVerdict } from './correlation.js';
import { PASS, refuse, type GateResult } from './types.js';
import { currencyFigure } from './money-words.js';
import type { MarketCurrency } from '../market/markets.js';

/**
 * The correlation limit's answer for a judged verdict: PASS unless it breaches, else a refusal at
 * `max_cluster_risk` whose numbers hold the figures of its sentence and, in their keys, the
 * correlated symbols (see CORR_KEY) and the unmeasured ones (NO_DATA_KEY). Pure.
 */
export function correlationResult(v: CorrelationVerdict, limit: CorrelationLimit, currency?: MarketCurrency): GateResult {
  if (!v.breaches) return PASS;
  const numbers: Record<string, number> = {
    corrLimit: limit.corrLimit,
    riskBefore: v.riskBefore,
    candidateRisk: v.candidateRisk,
    riskAfter: v.riskAfter,
    riskAfterPct: v.riskAfterPct,
    equity: limit.equity,
    maxClusterRiskPct: limit.maxClusterRiskPct,
    // Won amounts say so (`krw: 1`); US numbers are as before.
    ...currencyFigure(currency),
  };
  for (const c of v.cluster) numbers[`${CORR_KEY}${c.symbol}`] = c.rho ?? Number.NaN;
  for (const s of v.unmeasured) numbers[`${NO_DATA_KEY}${s}`] = 1;
  return refuse('correlation', 'max_cluster_risk', numbers);
}

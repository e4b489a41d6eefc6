import { pct } from './format.js';
import { moneyOf } from './money-words.js';
import { sentence, type Sentence } from './sentence.js';

/**
 * How a correlation refusal carries NAMES in its numbers (a stored refusal is a gate, a limit and
 * numbers only, `approvals.numbers` and `reason_detail`): one figure per symbol, the symbol in the
 * key. `corr:<SYMBOL>` is that symbol's correlation with the candidate (NaN when linked only through
 * another member and not measurable directly); `nodata:<SYMBOL>` (1) names a symbol whose
 * correlation could not be measured (too few shared sessions). Key order is not kept by `jsonb`,
 * so the sentence sorts.
 */
export const CORR_KEY = 'corr:';
export const NO_DATA_KEY = 'nodata:';

/** The `corr:` figures of a refusal's numbers, most correlated first (unmeasured last), then by symbol. */
export function correlatedFigures(n: Readonly<Record<string, number>>): { symbol: string; rho: number }[] {
  return Object.entries(n)
    .filter(([k]) => k.startsWith(CORR_KEY))
    .map(([k, rho]) => ({ symbol: k.slice(CORR_KEY.length), rho: typeof rho === 'number' ? rho : Number.NaN }))
    .sort((a, b) => (Number.isFinite(b.rho) ? b.rho : -2) - (Number.isFinite(a.rho) ? a.rho : -2) || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}

/** The `nodata:` symbols of a refusal's numbers, sorted. */
export function unmeasuredSymbols(n: Readonly<Record<string, number>>): string[] {
  return Object.keys(n)
    .filter((k) => k.startsWith(NO_DATA_KEY))
    .map((k) => k.slice(NO_DATA_KEY.length))
    .sort();
}

/** `0.93`: a correlation, two decimals; `n/a` when not measured. */
export function rhoText(rho: number | null): string {
  return rho === null || !Number.isFinite(rho) ? 'n/a' : rho.toFixed(2);
}

/** "CLN (correlation 0.99), XYZ (0.64, through the others)". */
function members(n: Readonly<Record<string, number>>, corrLimit: number): string {
  const list = correlatedFigures(n);
  if (list.length === 0) return 'other open positions';
  return list
    .map(({ symbol, rho }, i) => {
      const via = !Number.isFinite(rho) || rho < corrLimit ? ', linked through the others' : '';
      return `${symbol} (${i === 0 ? 'correlation ' : ''}${rhoText(rho)}${via})`;
    })
    .join(', ');
}

/** The correlation gate's refusal sentences, by limit (issue 21 part 1). */
export const CORRELATION_SENTENCES: Readonly<Record<string, Sentence>> = {
  max_cluster_risk: sentence(['corrLimit', 'riskBefore', 'candidateRisk', 'riskAfter', 'riskAfterPct', 'equity', 'maxClusterRiskPct'], (n) => {
    const missing = unmeasuredSymbols(n);
    // The candidate market's currency: won when the numbers carry `krw: 1`.
    const m = moneyOf(n);
    return (
      `Order refused by the correlation limit: it moves with ${members(n, n.corrLimit)} (daily returns correlated at ${rhoText(n.corrLimit)} or more); ` +
      `their open risk ${m(n.riskBefore)} + this order's ${m(n.candidateRisk)} = ${m(n.riskAfter)}, ${pct(n.riskAfterPct)} of equity ${m(n.equity)}, ` +
      `above the ${pct(n.maxClusterRiskPct)} limit.` +
      (missing.length > 0 ? ` Not measured (too few shared sessions): ${missing.join(', ')}.` : '')
    );
  }),
};

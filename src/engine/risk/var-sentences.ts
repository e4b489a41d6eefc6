import { pct } from './format.js';
import { moneyOf } from './money-words.js';
import { sentence, type Sentence } from './sentence.js';

/** A date carried as the number yyyymmdd (a refusal's figures are numbers) → `YYYY-MM-DD`. */
export function dateFromNumber(n: number): string {
  const s = String(Math.trunc(n)).padStart(8, '0');
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** `YYYY-MM-DD` → the number yyyymmdd a refusal carries (0 when there is no date). */
export function dateToNumber(date: string | null | undefined): number {
  return date ? Number(date.replace(/-/g, '')) : 0;
}

/** How the figures were drawn, so a reader can recompute them (`courtside risk --json` gives the same). */
function method(n: Record<'paths' | 'seed' | 'days' | 'firstDate' | 'lastDate', number>): string {
  return n.days > 0
    ? `bootstrap of ${n.paths} paths, seed ${n.seed}, joint daily returns of ${n.days} sessions ${dateFromNumber(n.firstDate)} to ${dateFromNumber(n.lastDate)}`
    : `no shared daily bars to draw from`;
}

const NEEDS = ['qty', 'price', 'candidateValue', 'varBefore', 'varAfter', 'equity', 'varPct', 'varBeforePct', 'varLimitPct', 'limitUsd', 'paths', 'seed', 'days', 'firstDate', 'lastDate'] as const;

/**
 * The value-at-risk gate's refusal sentences, by limit (issue 21 part 2), in the candidate market's
 * currency (won when the numbers carry `krw: 1`; `limitUsd` keeps its stored name). Every figure recomputes:
 * varPct = varAfter / equity × 100, varBeforePct = varBefore / equity × 100, limitUsd = equity ×
 * varLimitPct / 100, candidateValue = qty × price (the order's limit price); the VaR is the 99 % one-day figure of the stated bootstrap.
 */
export const VAR_SENTENCES: Readonly<Record<string, Sentence>> = {
  max_var: sentence(
    NEEDS,
    (n, m = moneyOf(n)) =>
      `Order refused by the value-at-risk limit: with this order (${n.qty} sh × ${m(n.price)} = ${m(n.candidateValue)}) the book's one-day 99 % VaR would be ${m(n.varAfter)} (${m(n.varBefore)} without it), ` +
      `${pct(n.varPct)} of equity ${m(n.equity)}, above the ${pct(n.varLimitPct)} limit (${m(n.limitUsd)}); ${method(n)}.`,
  ),
  book_over_limit: sentence(
    NEEDS,
    (n, m = moneyOf(n)) =>
      `Order refused by the value-at-risk limit: the open book's one-day 99 % VaR is already ${m(n.varBefore)}, ${pct(n.varBeforePct)} of equity ${m(n.equity)}, ` +
      `above the ${pct(n.varLimitPct)} limit (${m(n.limitUsd)}), so no new risk is taken (with this order, ${n.qty} sh × ${m(n.price)} = ${m(n.candidateValue)}, it would be ${m(n.varAfter)}, ${pct(n.varPct)}); ${method(n)}.`,
  ),
};

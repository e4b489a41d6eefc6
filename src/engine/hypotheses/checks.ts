/**
 * One threshold test with its numbers, so every verdict carries the figures
 * that justified it (for the audit chain and the cards; the bot words them).
 */

/** How the actual value is compared with the limit. */
export type CheckOp = '>=' | '<=' | '>' | '<';

/** One rule applied to one figure. `actual` null = the figure does not exist (e.g. no Sharpe for a flat series), which fails. */
export interface Check<R extends string = string> {
  rule: R;
  actual: number | null;
  op: CheckOp;
  limit: number;
  pass: boolean;
}

/** Apply `actual op limit`; a missing or NaN figure fails (a rule never passes on no data). */
export function check<R extends string>(rule: R, actual: number | null, op: CheckOp, limit: number): Check<R> {
  const a = actual === null || Number.isNaN(actual) ? null : actual;
  let pass = false;
  if (a !== null) {
    if (op === '>=') pass = a >= limit;
    else if (op === '<=') pass = a <= limit;
    else if (op === '>') pass = a > limit;
    else pass = a < limit;
  }
  return { rule, actual: a, op, limit, pass };
}

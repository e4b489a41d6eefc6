import { describeRefusal } from './refusal-sentences.js';
import { r6 } from './format.js';

/**
 * What a risk gate answers. A refusal names the gate, says in words which
 * limit was hit (with the numbers, so the trader can see why), and carries
 * the raw numbers for logs, the audit chain and tests.
 */
/** `correlation` and `var`: the portfolio gates of issue 21 (a cluster's open risk; the 99 % one-day value at risk). */
export type GateName = 'policy' | 'liquidity' | 'position' | 'drift' | 'correlation' | 'var';

export type GateRefusal = {
  ok: false;
  gate: GateName;
  /** Machine-readable name of the limit that was hit, e.g. `per_order_budget`. */
  limit: string;
  /** One sentence for the trader, naming the limit and the numbers: `describeRefusal(gate, limit, numbers)`. */
  reason: string;
  numbers: Record<string, number>;
};

export type GateResult = { ok: true } | GateRefusal;

export const PASS: GateResult = Object.freeze({ ok: true }) as GateResult;

export { usd, pct, r6 } from './format.js';

/**
 * A refusal of `gate` at `limit`. Its sentence is {@link describeRefusal},
 * so whoever holds only the gate, the limit and the numbers (a stored
 * approval) words it as the gate did. The sentence is built from the exact
 * numbers and the refusal carries them rounded to 6 decimals; the two differ
 * only where a sentence prints a raw number with more decimals than that
 * (an unusable quote or price).
 */
export function refuse(gate: GateName, limit: string, numbers: Record<string, number>): GateRefusal {
  const clean: Record<string, number> = {};
  for (const [k, v] of Object.entries(numbers)) clean[k] = Number.isFinite(v) ? r6(v) : v;
  return { ok: false, gate, limit, reason: describeRefusal(gate, limit, numbers), numbers: clean };
}

export function isPositiveFinite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

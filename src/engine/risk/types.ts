/**
 * What a risk gate answers. A refusal names the gate, says in words which
 * limit was hit (with the numbers, so the trader can see why), and carries
 * the raw numbers for logs, the audit chain and tests.
 */
export type GateName = 'policy' | 'liquidity' | 'position' | 'drift';

export type GateRefusal = {
  ok: false;
  gate: GateName;
  /** Machine-readable name of the limit that was hit, e.g. `per_order_budget`. */
  limit: string;
  /** One sentence for the trader, naming the limit and the numbers. */
  reason: string;
  numbers: Record<string, number>;
};

export type GateResult = { ok: true } | GateRefusal;

export const PASS: GateResult = Object.freeze({ ok: true }) as GateResult;

/** `$1,234.50` — two decimals, thousands separators; for reasons only. */
export function usd(n: number): string {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const [whole, frac] = abs.toFixed(2).split('.') as [string, string];
  return `${sign}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

/** `1.23%` — up to two decimals, for reasons only. */
export function pct(n: number): string {
  return `${Number(n.toFixed(2))}%`;
}

/** Rounds to 6 decimals so reported numbers carry no float noise. */
export function r6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

export function refuse(gate: GateName, limit: string, reason: string, numbers: Record<string, number>): GateRefusal {
  const clean: Record<string, number> = {};
  for (const [k, v] of Object.entries(numbers)) clean[k] = Number.isFinite(v) ? r6(v) : v;
  return { ok: false, gate, limit, reason, numbers: clean };
}

export function isPositiveFinite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

/**
 * The part of a pick card that names its sources and says how its size was
 * reached (issue 14, items 6 and 7): one line per source (its stop, its
 * size and how it got it: the fixed risk fraction, or half-Kelly's n, p, b,
 * f, shrink, the risk rule and the cap that bound) and, when several
 * sources signalled, which one's smaller size the pick trades. Every number
 * can be recomputed from the numbers shown next to it (DESIGN 5.11).
 */
import type { CapName } from '../../engine/allocation/types.js';
import { familyById } from '../../engine/patterns/registry.js';
import type { KellySourceSizing, PickSource } from '../../engine/scan/pick-sources.js';
import { hypothesisIdOf, isHypothesisSource } from '../../engine/signal.js';
import { price } from '../format/display.js';
import { money, pct } from '../format/numbers.js';
import { strategyTitle } from '../format/display.js';

/** A source's display name: the Kobe strategy's title, or "Hypothesis h1a2b3c4 (Turn of month)". */
export function sourceName(source: string, family?: string): string {
  if (!isHypothesisSource(source)) return strategyTitle(source);
  let title: string | null = null;
  if (family !== undefined) {
    try {
      title = familyById(family).title;
    } catch {
      title = family;
    }
  }
  return `Hypothesis ${hypothesisIdOf(source)}${title ? ` (${title})` : ''}`;
}

/** The card's title: every source's name, the pick's own strategy when it has no stored sources. */
export function pickTitle(p: { strategy: string; sources?: readonly PickSource[] }): string {
  const sources = p.sources ?? [];
  return sources.length === 0 ? sourceName(p.strategy) : sources.map((s) => sourceName(s.source, s.family)).join(' + ');
}

/** Whether the card needs the sources section: several sources, or a size not from the fixed policy. */
export function showsSources(sources: readonly PickSource[] | undefined): sources is readonly PickSource[] {
  return !!sources && sources.length > 0 && (sources.length > 1 || sources.some((s) => s.sizing.method !== 'fixed'));
}

const CAP_TEXT: Record<CapName, (k: KellySourceSizing) => string> = {
  position_pct: (k) => `one position ≤ ${k.maxPositionPct}% of equity`,
  hypothesis_40pct: (k) => `this source's open positions ≤ 40% of equity (${money(k.openNotional)} open)`,
  cash_reserve: (k) => `cash after the buy ≥ 10% of equity (${money(k.cashAvailable)} cash)`,
  session_risk_2pct: (k) => `new risk this session ≤ 2% of equity (${money(k.sessionRiskUsed)} taken)`,
};

/** Four decimals, for the Kelly figures. */
function d4(x: number | null): string {
  return x === null ? '—' : x.toFixed(4);
}

/** How half-Kelly sized one source, step by step. */
export function kellyText(k: KellySourceSizing, qty: number): string {
  const est = `n ${k.n} (${k.wins} W / ${k.losses} L${k.scratches ? ` / ${k.scratches} flat` : ''})`;
  const figures = `p ${d4(k.p)}, b ${d4(k.b)}, f ${d4(k.f)}, shrink ${k.n}/(${k.n}+30) = ${d4(k.shrink)}`;
  const riskDollars = `${money(k.riskDollars)} ÷ ${price(k.riskPerShare)}/sh = ${k.kellyQty} sh`;
  let rule: string;
  switch (k.rule) {
    case 'no_estimate':
      return `half-Kelly: ${est}, fewer than 5 wins or 5 losses → no estimate: risk ${pct(k.riskFraction)} of ${money(k.equity)} = ${riskDollars}${capText(k, qty)}`;
    case 'no_edge':
      return `half-Kelly: ${est}: ${figures} → no edge (f ≤ 0): no new risk, 0 sh`;
    case 'cap_1pct':
      rule = `f/2 × shrink = ${d4(k.halfKellyShrunk)} > 1% → risk ${pct(k.riskFraction)} (the 1% cap)`;
      break;
    default:
      rule = `f/2 × shrink = ${k.halfKellyShrunk === null ? '—' : k.halfKellyShrunk.toFixed(6)} → risk ${pct(k.riskFraction, { decimals: 3 })}`;
  }
  return `half-Kelly: ${est}: ${figures}; ${rule} of ${money(k.equity)} = ${riskDollars}${capText(k, qty)}`;
}

function capText(k: KellySourceSizing, qty: number): string {
  if (k.boundBy === null) return '; no cap bound';
  const step = k.caps.find((c) => c.cap === k.boundBy)!;
  return `; cap bound: ${CAP_TEXT[k.boundBy](k)} → ${step.maxQty} sh${qty !== step.maxQty ? ` (then ${qty} sh)` : ''}`;
}

/** How one source got its size. */
export function sourceSizeText(s: PickSource): string {
  const z = s.sizing;
  switch (z.method) {
    case 'fixed': {
      const perShare = s.entry - s.stop;
      const risk = z.equity * z.riskFraction;
      const byRisk = perShare > 0 ? Math.floor(risk / perShare) : 0;
      const head = `fixed ${pct(z.riskFraction)} risk of ${money(z.equity)} = ${money(risk)} ÷ ${price(perShare)}/sh = ${byRisk} sh`;
      return z.limitedBy === 'position_cap' ? `${head}; capped at ${pct(z.maxPositionFraction, { decimals: 0 })} of equity in one position → ${s.qty} sh` : head;
    }
    case 'kelly':
      return kellyText(z, s.qty);
    default:
      return `not sized (${z.reason} at ${z.field}): 0 sh`;
  }
}

/**
 * The lines of the sources section: which source's size the pick trades
 * (when several signalled), then one line per source with its stop, size
 * and how, and (for a source other than the one traded) its own reasons.
 */
export function sourcesLines(p: { strategy: string; qty: number; sources: readonly PickSource[] }): string[] {
  const bound = p.sources.find((s) => s.source === p.strategy);
  const lines: string[] = [];
  if (p.sources.length > 1) {
    lines.push(`Sources: ${p.sources.length} signalled; the pick trades the smallest size, ${p.qty} sh of ${bound ? sourceName(bound.source, bound.family) : p.strategy}, at its levels.`);
  }
  for (const s of p.sources) {
    const head = p.sources.length > 1 ? `• ${sourceName(s.source, s.family)}: stop ${price(s.stop)} · ${s.qty} sh — ` : 'Size: ';
    lines.push(head + sourceSizeText(s));
    if (p.sources.length > 1 && s.source !== p.strategy && s.reasons.length) lines.push(`   why: ${s.reasons.join('; ')}`);
  }
  return lines;
}

/** A source's short label for one-line lists: DB, TS, or the hypothesis id. */
export function sourceShort(source: string): string {
  if (source === 'donchian') return 'DB';
  if (source === 'turtle_soup') return 'TS';
  return hypothesisIdOf(source) ?? source;
}

/**
 * The KR face of a pick card (issue 15): prices, risk and sizes in whole won (₩12,345) through
 * src/lib/money.ts, the ETF's name next to its code, deadlines in Korea time (KST). Nothing here
 * prints a dollar sign: a KR pick's figures are won and there is no exchange rate.
 */
import { XKRX_CALENDAR } from '../../engine/calendar/exchange.js';
import type { PickSource } from '../../engine/scan/pick-sources.js';
import { formatMoney, money } from '../../lib/money.js';
import { pct } from '../format/numbers.js';
import { sourceName } from './pick-sources-view.js';

/** `₩12,345`: a whole-won amount (a fraction of a won is a bug upstream and throws). */
export function won(amount: number): string {
  return formatMoney(money(amount, 'KRW'));
}

/** "15:20 KST": Korea wall-clock time, whatever the server's zone. */
export function kstClock(at: Date): string {
  // formatIso gives "2025-10-02T15:20:00+09:00"; the wall clock is characters 11–15.
  return `${XKRX_CALENDAR.formatIso(at.getTime()).slice(11, 16)} KST`;
}

/** The card's title words: the code, then the ETF's name when known. */
export function krLabel(p: { symbol: string; name?: string }): string {
  return p.name ? `${p.symbol} ${p.name}` : p.symbol;
}

/** Levels, size and risk in won; qty × (entry − stop) = the risk shown, to the won. */
export function krLevelLines(p: { entry: number; stop: number; target: number | null; qty: number; dollarRisk: number }): string[] {
  return [`Entry (limit) ${won(p.entry)} · Stop ${won(p.stop)} · Target ${p.target === null ? '—' : won(p.target)}`, `Qty ${p.qty} · risk ${won(p.dollarRisk)} if the stop fills`];
}

/**
 * The sources section in won: one line per source with its stop, size and how it was reached. A
 * fixed size shows its arithmetic; a half-Kelly size names its rule (its figures: /journal).
 */
export function krSourcesLines(p: { strategy: string; qty: number; sources: readonly PickSource[] }): string[] {
  const lines: string[] = [];
  if (p.sources.length > 1) lines.push(`Sources: ${p.sources.length} signalled; the pick trades the smallest size, ${p.qty} sh of ${sourceName(p.strategy)}, at its levels.`);
  for (const s of p.sources) {
    const head = p.sources.length > 1 ? `• ${sourceName(s.source, s.family)}: stop ${won(s.stop)} · ${s.qty} sh — ` : 'Size: ';
    lines.push(head + krSizeText(s));
  }
  return lines;
}

function krSizeText(s: PickSource): string {
  const z = s.sizing;
  if (z.method === 'fixed') {
    const perShare = s.entry - s.stop;
    const risk = Math.floor(z.equity * z.riskFraction);
    const byRisk = perShare > 0 ? Math.floor(risk / perShare) : 0;
    const head = `fixed ${pct(z.riskFraction)} risk of ${won(z.equity)} = ${won(risk)} ÷ ${won(perShare)}/sh = ${byRisk} sh`;
    return z.limitedBy === 'position_cap' ? `${head}; capped at ${pct(z.maxPositionFraction, { decimals: 0 })} of equity in one position → ${s.qty} sh` : head;
  }
  if (z.method === 'kelly') return `half-Kelly (${z.rule}), risk ${pct(z.riskFraction, { decimals: 3 })} of ${won(z.equity)} → ${s.qty} sh (/journal shows every figure)`;
  return `not sized (${z.reason} at ${z.field}): 0 sh`;
}

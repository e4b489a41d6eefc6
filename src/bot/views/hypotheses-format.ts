/**
 * How hypotheses' figures are written in chat. A check's actual value is
 * shown with as many decimals as it takes for the shown number to compare
 * with the shown limit exactly as the check did (0.1501 ≤ 15 % fails, so it
 * reads "15.01 %", never "15.0 %"): what the bot says must recompute.
 */
import type { Check, CheckOp } from '../../engine/hypotheses/checks.js';
import type { IncubationFailure } from '../../engine/hypotheses/incubation-verdict.js';
import type { KeyFigure } from '../../trading/hypotheses/views.js';
import { MISSING } from '../format/numbers.js';

/** How a figure is written: a count, a ratio with decimals, or a fraction as a percentage. */
export type FigureUnit = 'count' | 'ratio' | 'percent' | 'probability';

/** Each incubation rule's label and unit. */
export const RULE_FIGURES: Readonly<Record<IncubationFailure, { label: string; unit: FigureUnit }>> = {
  too_few_trades: { label: 'OOS trades', unit: 'count' },
  sharpe_too_low: { label: 'Sharpe (OOS, annualised)', unit: 'ratio' },
  drawdown_too_deep: { label: 'Max drawdown', unit: 'percent' },
  profit_factor_too_low: { label: 'Profit factor', unit: 'ratio' },
  win_rate_too_low: { label: 'Win rate', unit: 'percent' },
  deflated_sharpe_too_low: { label: 'Deflated Sharpe', unit: 'probability' },
};

const BASE_DECIMALS: Record<FigureUnit, number> = { count: 0, ratio: 2, percent: 1, probability: 3 };
const MAX_EXTRA_DECIMALS = 8;

/** The number as shown (before its unit sign), at `decimals`; ∞ for an infinite ratio. */
function shownNumber(value: number, unit: FigureUnit, decimals: number): string {
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  const v = unit === 'percent' ? value * 100 : value;
  return v.toFixed(decimals);
}

/** A figure as chat shows it: "1.42", "12.5%", "42", "0.962", "∞"; — when missing. */
export function figure(value: number | null | undefined, unit: FigureUnit, decimals = BASE_DECIMALS[unit]): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING;
  const n = shownNumber(value, unit, decimals);
  return unit === 'percent' && Number.isFinite(value) ? `${n}%` : n;
}

function compare(a: number, op: CheckOp, b: number): boolean {
  return op === '>=' ? a >= b : op === '<=' ? a <= b : op === '>' ? a > b : a < b;
}

/** Parses a shown number back (∞ included), in the figure's own scale (percent → fraction). */
function parseShown(text: string, unit: FigureUnit): number {
  if (text === '∞') return Infinity;
  if (text === '−∞') return -Infinity;
  const n = Number(text);
  return unit === 'percent' ? n / 100 : n;
}

/**
 * The actual value of a check at the fewest decimals (from the unit's usual
 * number) at which the shown actual and the shown limit compare as the check did.
 */
export function checkActual(c: Pick<Check, 'actual' | 'op' | 'limit' | 'pass'>, unit: FigureUnit): string {
  if (c.actual === null) return MISSING;
  const base = BASE_DECIMALS[unit];
  const limit = parseShown(shownNumber(c.limit, unit, limitDecimals(c.limit, unit)), unit);
  for (let d = base; d <= base + MAX_EXTRA_DECIMALS; d++) {
    const shown = shownNumber(c.actual, unit, d);
    if (compare(parseShown(shown, unit), c.op, limit) === c.pass) return unit === 'percent' && Number.isFinite(c.actual) ? `${shown}%` : shown;
  }
  return figure(c.actual, unit, base + MAX_EXTRA_DECIMALS);
}

/** The fewest decimals (from the unit's usual number, at most 6) that show a limit exactly: a limit is never rounded. */
function limitDecimals(limit: number, unit: FigureUnit): number {
  const v = unit === 'percent' ? limit * 100 : limit;
  for (let d = BASE_DECIMALS[unit]; d < 6; d++) if (Math.abs(Number(v.toFixed(d)) - v) < 1e-9) return d;
  return 6;
}

/** A check's limit as shown: exactly (1.5, 15.0%, 0.950). */
export function limitText(limit: number, unit: FigureUnit): string {
  return figure(limit, unit, limitDecimals(limit, unit));
}

const OP_TEXT: Record<CheckOp, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

/** "✅ OOS trades 42 ≥ 30" or "❌ Max drawdown 15.01% ≤ 15.0%": the rule, the actual, the limit, pass or fail. */
export function checkLine(c: Check<IncubationFailure>): string {
  const f = RULE_FIGURES[c.rule] ?? { label: c.rule.replaceAll('_', ' '), unit: 'ratio' as const };
  return `${c.pass ? '✅' : '❌'} ${f.label} ${checkActual(c, f.unit)} ${OP_TEXT[c.op]} ${limitText(c.limit, f.unit)}`;
}

/** A stored code as words: "too_few_trades" → "too few trades". */
export function words(code: string): string {
  return code.replaceAll('_', ' ');
}

/** An overview row's one figure: "Sharpe 1.42 (shadow)", "waiting since 2026-12-04", "retired 2026-12-05: admin". */
export function keyFigureText(k: KeyFigure): string {
  switch (k.kind) {
    case 'sharpe':
      return `Sharpe ${figure(k.value, 'ratio')} (${k.source === 'shadow' ? 'shadow book' : 'OOS'})`;
    case 'waiting':
      return `waiting since ${k.since}`;
    case 'retired':
      return `retired ${k.session}${k.reason ? `: ${words(k.reason)}` : ''}`;
  }
}

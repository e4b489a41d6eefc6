import type { Check, CheckOp } from '../../engine/hypotheses/checks.js';
import type { DigestShadowBook, DigestTransition, HypothesesDigest, TransitionFigure } from '../../trading/digest/hypotheses.js';
import { money, pct } from '../format/numbers.js';
import { sessionDayLabel } from '../format/session-date.js';
import { checkActual, figure, limitText, words, type FigureUnit } from './hypotheses-format.js';

/** Lines of each list at most (the rest is counted). */
const MAX_ROWS = 10;

/** Every lifecycle rule a transition's figures can name: its label and unit. */
const RULES: Readonly<Record<string, { label: string; unit: FigureUnit }>> = {
  too_few_trades: { label: 'trades', unit: 'count' },
  too_few_sessions: { label: 'sessions', unit: 'count' },
  sharpe_too_low: { label: 'Sharpe', unit: 'ratio' },
  drawdown_too_deep: { label: 'max DD', unit: 'percent' },
  profit_factor_too_low: { label: 'profit factor', unit: 'ratio' },
  win_rate_too_low: { label: 'win rate', unit: 'percent' },
  deflated_sharpe_too_low: { label: 'DSR', unit: 'probability' },
  paper_drawdown_over_limit: { label: 'paper max DD', unit: 'percent' },
  not_qualified_within_sessions: { label: 'sessions without qualifying', unit: 'count' },
  rolling_sharpe_too_low: { label: '60-session Sharpe', unit: 'ratio' },
  drawdown_over_cap_share: { label: 'DD share of allocation cap', unit: 'percent' },
  loss_streak: { label: 'losses in a row', unit: 'count' },
};

const OP: Record<CheckOp, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

/** A failed check as "DSR 0.412 (needs ≥ 0.950)": the number and the rule it broke, both as the check compared them. */
export function failedCheckText(c: Check): string {
  const r = RULES[c.rule] ?? { label: words(c.rule), unit: 'ratio' as const };
  return `${r.label} ${checkActual(c, r.unit)} (needs ${OP[c.op]} ${limitText(c.limit, r.unit)})`;
}

/** The figure that justified a transition, in words. */
export function transitionFigureText(f: TransitionFigure): string {
  switch (f.kind) {
    case 'incubation': {
      const head = `OOS Sharpe ${figure(f.sharpe, 'ratio')} · DSR ${figure(f.dsr, 'probability')} · ${figure(f.oosTrades, 'count')} OOS trades${f.demo ? ' (DEMO data)' : ''}`;
      return f.failed.length > 0 ? `${head} · failed: ${f.failed.map(failedCheckText).join('; ')}` : head;
    }
    case 'review':
      if (f.failed.length > 0) return `failed: ${f.failed.map(failedCheckText).join('; ')}`;
      return f.reasons.length > 0 ? words(f.reasons.join(', ')) : 'no reason stored';
    case 'person':
      return `by ${f.by}`;
    case 'none':
      return '';
  }
}

const EVENT: Record<string, string> = { demote: ' (demoted)', promote: ' (promoted)', retire: ' (retired by hand)' };

function transitionText(t: DigestTransition): string {
  const fig = transitionFigureText(t.figure);
  return `• ${t.hypothesisId} ${t.family} · ${t.from ?? 'new'} → ${t.to}${EVENT[t.event] ?? ''}${fig ? ` · ${fig}` : ''}`;
}

/** "$100,000.00 → $101,234.00 (+$1,234.00, +1.23%)": the change is end − start, the percentage change / start. */
export function equityChangeText(start: number, end: number): string {
  const change = end - start;
  return `equity ${money(start)} → ${money(end)} (${money(change, { signed: true })}, ${pct(change / start, { signed: true })})`;
}

function bookText(b: DigestShadowBook): string {
  const head = `• ${b.hypothesisId} ${b.family} ${b.state}`;
  const s = b.snapshot;
  const real = b.real ? ` · real: ${b.real.closedTrades} closed trade${b.real.closedTrades === 1 ? '' : 's'}, P&L ${money(b.real.realizedPnl, { signed: true })}` : '';
  if (!s) return `${head} · no shadow-book review yet${real}`;
  const rolling = b.state === 'LIVE' ? ` · 60-session Sharpe ${figure(s.rollingSharpe, 'ratio')}` : '';
  return (
    `${head} · ${s.sessions} session${s.sessions === 1 ? '' : 's'} · ${s.closedTrades} closed, ${s.openTrades} open · Sharpe ${figure(s.sharpe, 'ratio')}${rolling}` +
    ` · max DD ${figure(s.maxDrawdown, 'percent')} · ${equityChangeText(s.startEquity, s.endEquity)}${s.demo ? ' · DEMO data' : ''}` +
    `${s.session ? ` (as of ${sessionDayLabel(s.session)})` : ''}${real}`
  );
}

/**
 * The close digest's hypotheses section: the transitions since the previous
 * session's close (proposals grouped on one line) and one line per PAPER /
 * LIVE shadow book, LIVE ones with their real closed trades beside it. No
 * data → no lines (the section is left out).
 */
export function hypothesesDigestLines(h: HypothesesDigest | undefined): string[] {
  if (!h) return [];
  const lines: string[] = [`🧪 Hypotheses since the ${sessionDayLabel(h.since)} close`];
  const proposed = h.transitions.filter((t) => t.from === null);
  const moved = h.transitions.filter((t) => t.from !== null);
  if (proposed.length > 0) {
    const ids = proposed.slice(0, MAX_ROWS).map((t) => t.hypothesisId);
    lines.push(`🆕 Proposed ${proposed.length} (INCUBATING): ${ids.join(', ')}${proposed.length > MAX_ROWS ? ` and ${proposed.length - MAX_ROWS} more` : ''}`);
  }
  if (moved.length === 0) lines.push('No state changes.');
  lines.push(...moved.slice(0, MAX_ROWS).map(transitionText));
  if (moved.length > MAX_ROWS) lines.push(`… and ${moved.length - MAX_ROWS} more (/hypotheses)`);
  if (h.books.length > 0) {
    lines.push(`📒 Shadow books (${h.books.length})`);
    lines.push(...h.books.slice(0, MAX_ROWS).map(bookText));
    if (h.books.length > MAX_ROWS) lines.push(`… and ${h.books.length - MAX_ROWS} more (/hypotheses)`);
  } else {
    lines.push('📒 No PAPER or LIVE hypotheses.');
  }
  return lines;
}

import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { VarFigure } from '../../engine/risk/var.js';
import type { RiskReport } from '../../trading/risk/var-report.js';
import { money, pct } from '../format/numbers.js';
import { dayLabel, shortDate } from './digest-view.js';

type Line = string | FmtString;

const count = (n: number) => n.toLocaleString('en-US');

/** "VaR $123.45 (0.12% of equity) · ES $150.00 (0.15% of equity)": each % is the dollar figure over the equity shown. */
function levelLine(f: VarFigure, equity: number | null): string {
  const of = (x: number) => (equity !== null && equity > 0 ? ` (${pct(x / equity)} of equity)` : '');
  return `1 day ${Math.round(f.level * 100)} %: VaR ${money(f.var)}${of(f.var)} · ES ${money(f.es)}${of(f.es)}`;
}

/**
 * /risk: the open book's one-day 95 % and 99 % VaR and ES (US, in USD), every position's value
 * (shares × the price used, and which price), the equity the percentages are of, the limit, and
 * the method — seed, paths and window — so every figure can be recomputed (`courtside risk --json`).
 */
export function riskView(r: RiskReport): FmtString {
  const v = r.var;
  const eq = r.equity;
  const lines: Line[] = [fmt`📉 ${bold`Value at risk · ${r.market} (${r.currency})`} · as of ${dayLabel(r.asOf)} (New York)`];
  if (r.positions.length === 0) {
    lines.push('No open positions: nothing is at risk.');
  } else {
    lines.push(`Open positions (${r.positions.length}), each valued at shares × price:`);
    for (const p of r.positions) {
      lines.push(`• ${p.symbol} ${p.qty} sh × ${money(p.price)} (${p.priceSource === 'mark' ? 'last mark' : 'avg cost, no mark yet'}) = ${money(p.value)}`);
    }
  }
  const equityText = eq ? `equity ${money(eq.value)} (${eq.live ? `live estimate for ${shortDate(eq.date)}` : `${shortDate(eq.date)} mark`})` : 'no equity known yet (no mark written): figures in dollars only';
  lines.push(`In the bootstrap: ${money(v.exposure)} · ${equityText}`);
  if (r.positions.length > 0) {
    if (v.days === 0) {
      lines.push('⚠️ No shared daily bars for these symbols: the VaR cannot be drawn. Import or seed their bars (courtside data import), then ask again.');
    } else {
      lines.push(levelLine(v.p95, eq?.value ?? null));
      lines.push(fmt`${bold`${levelLine(v.p99, eq?.value ?? null)}`}`);
    }
  }
  if (eq && eq.value > 0) {
    const limit = (eq.value * r.limitPct) / 100;
    const over = v.p99.var > limit;
    lines.push(
      `Limit: a new entry is refused when the 99 % VaR would pass ${r.limitPct}% of equity (${money(limit)})` +
        (over ? '. ⚠️ The book is over it now: every new entry is refused until it falls (close or shrink a position).' : '; the book is within it.'),
    );
  } else {
    lines.push(`Limit: ${r.limitPct}% of equity at 99 % (not checked here without an equity figure).`);
  }
  if (v.days > 0 && v.window) {
    lines.push(
      `Method: ${count(v.paths)} paths, seed ${v.seed}; each path draws one day uniformly with replacement from the joint daily returns of ` +
        `${v.days} sessions ${v.window.first} to ${v.window.last} (lookback ${v.lookback}) and applies it to every position. ` +
        `VaR = the ${ordinal(v.p99.tail)} largest of the ${count(v.paths)} path losses at 99 % (the ${ordinal(v.p95.tail)} at 95 %); ES = the mean of those largest losses.`,
    );
  }
  if (v.missing.length > 0) {
    lines.push(`⚠️ Left out for missing bars: ${v.missing.map((m) => `${m.symbol} (${money(m.value)})`).join(', ')}. Import their bars (courtside data import) to include them.`);
  }
  return join(lines, '\n');
}

/** 1 → "1st", 2 → "2nd", 100 → "100th", 500 → "500th". */
export function ordinal(n: number): string {
  const t = n % 100;
  const suffix = t >= 11 && t <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${count(n)}${suffix}`;
}

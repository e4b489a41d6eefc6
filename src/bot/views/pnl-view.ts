import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { PnlReport } from '../../trading/portfolio/types.js';
import { money } from '../format/numbers.js';
import { sessionDayLabel } from '../format/session-date.js';
import { originsText } from '../../trading/portfolio/mark-source.js';

/** /pnl: the period, realized, unrealized now and where its prices are from, then equity and its change. Used as the equity chart's caption. */
export function pnlView(r: PnlReport): FmtString {
  const { range, realized, unrealized, equity } = r;
  const title =
    range.period === 'day'
      ? fmt`💵 ${bold`P&L ${range.to === range.today ? 'today' : 'last session'}`} (${range.to})`
      : fmt`💵 ${bold`P&L · last ${String(range.sessions)} sessions`} (${range.from} → ${range.to})`;
  const lines: (string | FmtString)[] = [title];
  const record = realized.trades === 0 ? 'no closed trades' : `${realized.trades} closed (${realized.wins} won, ${realized.losses} lost)`;
  lines.push(fmt`Realized ${bold(money(realized.total, { signed: true }))} · ${record}`);
  const later = r.later;
  if (later) {
    // Filled since the last session (a weekend, a holiday): the next session's, not the last one's.
    lines.push(
      `Since then: realized ${money(later.total, { signed: true })} · ${later.trades} closed (${later.wins} won, ${later.losses} lost), filed under the next session, ${sessionDayLabel(later.session)}`,
    );
  }
  const open = unrealized.positions === 0 ? 'no open positions' : `${unrealized.positions} open${unrealized.unpriced > 0 ? `, ${unrealized.unpriced} without a price` : ''}`;
  lines.push(fmt`Unrealized now ${bold(money(unrealized.total, { signed: true }))} · ${open}`);
  // Where those prices are from (the broker's mark and its time, or a bar close and its date), so a close is never read as live.
  const prices = originsText(unrealized.origins ?? [], range.today);
  if (prices) lines.push(`Prices: ${prices}`);
  const last = equity.points.at(-1);
  if (!last) {
    lines.push('Equity: not marked yet — the first mark is written after a session closes.');
  } else {
    const change = equity.change === null ? '' : ` · ${money(equity.change, { signed: true })} since ${equity.since ?? '?'}`;
    lines.push(`Equity ${money(last.equity)}${change}`);
    if (last.live) lines.push(`(${last.date} is live: no mark for it yet)`);
  }
  return join(lines, '\n');
}

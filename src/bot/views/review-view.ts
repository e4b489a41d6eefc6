import { bold, fmt, join, type FmtString } from 'telegraf/format';
import { money, signed } from '../format/numbers.js';
import { nyStamp } from '../format/display.js';
import { sessionDayLabel } from '../format/session-date.js';
import type { CountBy, DriftPart, OutcomeGroup, WeeklyReview } from '../../trading/review/types.js';

/**
 * The weekly review as chat text. Every total is written as the sum of the parts beside it
 * ("Cards: 9 = 4 posted + 5 not posted (…)"), so a reader (and the tests) can recompute it.
 */

/** How a card that was not posted is described. */
const NOT_POSTED_LABEL: Record<string, string> = { duplicate: 'already shown', top_n_cut: 'below the top N', no_size: 'no size' };

const GATE_LABEL: Record<string, string> = { market_closed: 'market closed', kill_switch: 'kill switch' };

function counts(cs: readonly CountBy[], label: (k: string) => string = (k) => k): string {
  return cs.length === 0 ? 'none' : cs.map((c) => `${label(c.key)} ${c.count}`).join(', ');
}

const pnl = (n: number) => money(n, { signed: true });

/** "Mon Nov 30 – Fri Dec 4". */
function weekSpan(r: WeeklyReview): string {
  const first = r.sessions[0] ?? r.weekStart;
  return first === r.sessionDate ? sessionDayLabel(first) : `${sessionDayLabel(first)} – ${sessionDayLabel(r.sessionDate)}`;
}

function outcomeLine(g: OutcomeGroup): string {
  const r = g.meanR === null ? 'R unknown (no card found)' : `mean R ${signed(g.meanR)} (ΣR ${signed(g.sumR)} over ${g.withR})`;
  const expected = g.expectation === null ? 'expectation: none stored' : `expected ${signed(g.expectation.meanR)} R (${g.expectation.from})`;
  return `• ${g.source} (${g.kind}): ${g.trades} trade${g.trades === 1 ? '' : 's'}, ${g.wins} won, ${pnl(g.realizedPnl)}, ${r}; ${expected}`;
}

function driftLines(d: DriftPart): string[] {
  if (!d.ok) return [`Drift tests: could not be read (${d.error}). /status shows the system's state; the next review tries again.`];
  const t = d.status.tests;
  const n = (s: string) => t.filter((x) => x.state === s).length;
  const out = [
    `Drift tests: ${t.length} = ${n('in_band')} in band + ${n('out_of_band')} out of band + ${n('too_few')} too few to judge (false-alarm bound ${(d.status.falseAlarmBound * 100).toFixed(1)}% per subject)`,
  ];
  for (const x of t) {
    const state = x.state === 'in_band' ? 'in band' : x.state === 'out_of_band' ? 'OUT OF BAND' : 'too few to judge';
    out.push(`• ${x.subject} (${x.kind}): ${state}, statistic ${x.statistic.toFixed(2)} vs threshold ${x.threshold.toFixed(2)}, ${x.liveTrades} live trades`);
  }
  for (const e of d.status.execution) {
    const med = e.medianBps === null ? 'no median yet' : `median ${e.medianBps.toFixed(1)} bps`;
    out.push(`• execution ${e.market}: ${med} over ${e.fills} fills (alert at ${e.alertBps} bps): ${e.state === 'wide' ? 'WIDE' : e.state === 'ok' ? 'ok' : 'too few'}`);
  }
  return out;
}

/** The review's text. */
export function weeklyReviewView(r: WeeklyReview): FmtString {
  const p = r.posted;
  const a = r.approvals;
  const notPosted = r.cards.notPostedBy.reduce((s, c) => s + c.count, 0);
  const lines: string[] = [
    `Week ${weekSpan(r)}, ${r.sessions.length} session${r.sessions.length === 1 ? '' : 's'} (New York)${r.demo ? ' · DEMO data' : ''}`,
    '',
    `Signals: ${r.signals.total} (${counts(r.signals.bySource)})`,
    `Cards: ${r.cards.total} = ${r.cards.posted} posted + ${notPosted} not posted (${counts(r.cards.notPostedBy, (k) => NOT_POSTED_LABEL[k] ?? k)})`,
    `Posted: ${p.total} = ${p.approved} approved + ${p.rejected} rejected + ${p.expired} expired + ${p.undecided} undecided`,
    `Approved: ${a.total} = ${a.filled} filled + ${a.partiallyFilled} partly filled + ${a.notFilled} not filled + ${a.refused} refused by a gate + ${a.failed} failed + ${a.open} in progress`,
    `Gate refusals: ${a.refused} (${counts(a.refusedBy, (k) => GATE_LABEL[k] ?? k)})`,
    '',
    `Closed trades: ${r.outcomes.trades}, realized ${pnl(r.outcomes.realizedPnl)}`,
    ...r.outcomes.groups.map(outcomeLine),
    `By session: ${r.daily.map((d) => `${sessionDayLabel(d.date)} ${pnl(d.realizedPnl)} (${d.trades})`).join(' · ')}`,
    `Mean R is realized P&L over the card's risk (|entry − stop| × shares). No backtest expectancy in R is stored yet, so outcomes are live figures only.`,
    '',
    r.slippage.bps.length === 0
      ? `Slippage: no entry fills this week`
      : `Slippage (entry fill vs card entry, + = paid more): ${r.slippage.bps.length} fill${r.slippage.bps.length === 1 ? '' : 's'}, median ${signed(r.slippage.medianBps ?? 0, 1)} bps [${r.slippage.bps.map((b) => signed(b, 1)).join(', ')}]`,
    '',
    `Kill switch: ${r.kills.length} event${r.kills.length === 1 ? '' : 's'} = ${r.kills.filter((k) => k.action === 'engaged').length} engaged + ${r.kills.filter((k) => k.action === 'resumed').length} resumed`,
    ...r.kills.map((k) => `• ${nyStamp(new Date(k.at))} ${k.action}${k.by ? ` by ${k.by}` : ''}${k.reason ? `: ${k.reason}` : ''}`),
    '',
    ...driftLines(r.drift),
    '',
    `Turn this weekly message off or on with /settings.`,
  ];
  return fmt`📅 ${bold`Weekly review · ${r.market}`}\n${join(lines, '\n')}`;
}

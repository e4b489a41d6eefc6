/**
 * The Promote card (issue 14 item 5) and every answer to its buttons and to
 * /promote ID. Figures are shown so they recompute from what is shown: a
 * check's actual with as many decimals as its comparison needs, p as
 * wins/n, the shrink as n/(n + 30), the risk as a percentage of the equity
 * shown beside it.
 */
import { shortHash } from '../../trading/manifest/manifest.js';
import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { LineChartSpec } from '../../adapters/charts/port.js';
import type { CheckOp, Check } from '../../engine/hypotheses/checks.js';
import type { PaperQualificationRule } from '../../engine/hypotheses/paper-review.js';
import { SHRINK_TRADES, MIN_LOSSES, MIN_WINS, MAX_RISK, HYPOTHESIS_MAX_OPEN } from '../../engine/allocation/constants.js';
import type { ConfirmRefusal } from '../../trading/confirmations/confirmations.js';
import type { DemoteChoice, PromoteCardData, PromoteSizing } from '../../trading/hypotheses/promote-card.js';
import type { PromoteAsk, PromoteConfirm, PromoteKeep } from '../../trading/hypotheses/promote.js';
import type { StoredHypothesis } from '../../trading/hypotheses/store.js';
import { familyTitle } from '../../trading/hypotheses/views.js';
import { equityChartSpec } from '../charts/specs.js';
import { amountsFor } from '../format/market-amounts.js';
import { marketStamp } from '../format/market-stamp.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import { checkActual, figure, limitText, words, type FigureUnit } from './hypotheses-format.js';

/** Each paper qualification rule's label and unit (the shadow book's, not the walk-forward's). */
export const PAPER_RULE_FIGURES: Readonly<Record<PaperQualificationRule, { label: string; unit: FigureUnit }>> = {
  too_few_sessions: { label: 'Sessions in PAPER', unit: 'count' },
  too_few_trades: { label: 'Closed shadow trades', unit: 'count' },
  sharpe_too_low: { label: 'Sharpe (shadow, annualised)', unit: 'ratio' },
  drawdown_too_deep: { label: 'Max drawdown', unit: 'percent' },
  profit_factor_too_low: { label: 'Profit factor', unit: 'ratio' },
};

const OP_TEXT: Record<CheckOp, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

/** "✅ Closed shadow trades 24 ≥ 20". */
export function paperCheckLine(c: Check<PaperQualificationRule>): string {
  const f = PAPER_RULE_FIGURES[c.rule];
  return `${c.pass ? '✅' : '❌'} ${f.label} ${checkActual(c, f.unit)} ${OP_TEXT[c.op]} ${limitText(c.limit, f.unit)}`;
}

const name = (h: Pick<StoredHypothesis, 'id' | 'family'>) => `${h.id} (${familyTitle(h.family) ?? h.family})`;
const whole = (x: number) => Math.round(x).toLocaleString('en-US');

function paramsText(p: Record<string, unknown> | null): string {
  if (!p || Object.keys(p).length === 0) return 'none stored';
  return Object.entries(p)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/**
 * "100,000 → 104,210 (+4.2%)" (US, as always) or "₩100,000,000 → ₩104,210,000 (+4.2%)" (KR, whole
 * won): the return recomputes from the two rounded values.
 */
function equityMove(values: readonly number[], market: MarketId = 'US'): string {
  const first = Math.round(values[0] ?? 0);
  const last = Math.round(values.at(-1) ?? 0);
  const ret = first > 0 ? ` (${last >= first ? '+' : ''}${(((last - first) / first) * 100).toFixed(1)}%)` : '';
  const show = market === 'KR' ? (n: number) => amountsFor('KR').amount(n) : whole;
  return `${show(first)} → ${show(last)}${ret}`;
}

/**
 * KR: the risk in whole won and its percentage with as many decimals (2 to 6) as it takes for
 * percentage × equity to round to the won shown, so "0.3712% of ₩100,000,000 = ₩371,200" recomputes.
 */
function wonRisk(s: PromoteSizing): { pct: string; money: string } {
  const won = amountsFor('KR').amount;
  const equity = Math.round(s.equity);
  const risk = Math.round(s.riskFraction * equity);
  let pct = (s.riskFraction * 100).toFixed(2);
  for (let d = 2; d <= 6; d++) {
    pct = (s.riskFraction * 100).toFixed(d);
    if (Math.round((Number(pct) / 100) * equity) === risk) break;
  }
  return { pct: `${pct}%`, money: `${pct}% of equity ${won(equity)} = ${won(risk)} per trade` };
}

/**
 * How half-Kelly would size it: p, b, n, f, the shrink, the risk in % of equity and in money.
 * `market` KR writes the equity and the risk in whole won (the KR equity: a KR hypothesis is sized
 * within it alone); US reads as it always did.
 */
export function sizingLines(s: PromoteSizing, market: MarketId = 'US'): string[] {
  const e = s.estimate;
  const head = `n = ${e.n} closed shadow trades: ${e.wins} wins, ${e.losses} losses${e.scratches ? `, ${e.scratches} at 0R` : ''}`;
  const kr = market === 'KR' ? wonRisk(s) : null;
  const riskPct = kr ? kr.pct : `${(s.riskFraction * 100).toFixed(2)}%`;
  const money = kr ? kr.money : `${riskPct} of equity ${whole(s.equity)} = ${whole(s.riskDollars)} per trade`;
  if (s.rule === 'no_estimate') {
    return [head, `No estimate (fewer than ${MIN_WINS} wins or ${MIN_LOSSES} losses) → ${money}`];
  }
  const lines = [head];
  if (e.p !== null) lines.push(`p = ${e.wins}/${e.n} = ${e.p.toFixed(3)}`);
  if (e.b !== null && e.meanWinR !== null && e.meanLossR !== null) {
    lines.push(`b = mean win ${e.meanWinR.toFixed(2)}R / mean loss ${e.meanLossR.toFixed(2)}R = ${e.b.toFixed(2)}`);
  }
  if (e.f !== null) lines.push(`f = p − (1 − p)/b = ${e.f.toFixed(3)}`);
  if (s.rule === 'no_edge') {
    lines.push(`${e.wins === 0 ? `No wins in ${e.losses} losses` : 'f ≤ 0'}: no edge → no new risk (0%)`);
    return lines;
  }
  lines.push(`shrink = n/(n + ${SHRINK_TRADES}) = ${e.n}/${e.n + SHRINK_TRADES} = ${e.shrink.toFixed(3)}`);
  const hk = e.halfKellyShrunk ?? 0;
  lines.push(
    s.rule === 'cap_1pct'
      ? `f/2 × shrink = ${(hk * 100).toFixed(2)}% > ${(MAX_RISK * 100).toFixed(0)}% cap → ${money}`
      : `f/2 × shrink = ${riskPct} (under the ${(MAX_RISK * 100).toFixed(0)}% cap) → ${money}`,
  );
  return lines;
}

function demoteLine(d: DemoteChoice): string {
  const by = d.basis === 'shadow' ? 'shadow-book Sharpe (latest snapshots)' : 'out-of-sample Sharpe (not every LIVE one has a shadow Sharpe yet)';
  const list = d.compared.map((x) => `${x.id} ${figure(x.sharpe, 'ratio')}`).join(', ');
  return `LIVE cap is full: Promote also demotes ${name(d.weakest)} to PAPER, in the same transaction: the weakest LIVE by ${by}: ${list}.`;
}

/** The card's text: paper figures and checks, out-of-sample figures, sizing, the LIVE cap, what Keep does. */
export function promoteCardText(d: PromoteCardData, expiresAtMs: number): FmtString {
  const h = d.hypothesis;
  const oos = d.oos;
  const lines: (string | FmtString)[] = [
    fmt`🚀 ${bold`Promote ${h.id} to LIVE?`}${d.demo ? ' · DEMO data' : ''}`,
    `${familyTitle(h.family) ?? h.family} · ${h.market} · PAPER since ${h.stateSinceSession} (version ${h.version}) · trades ${paramsText(h.params)}`,
    '',
    fmt`${bold`Paper`} (shadow book ${d.bookFrom} → ${d.session}, ${String(d.sessions)} sessions): qualifies`,
    ...d.checks.map(paperCheckLine),
    `Shadow equity ${equityMove(d.equity.values, h.market)} · ${d.trades.closed} closed, ${d.trades.open} open`,
    '',
  ];
  if (oos) {
    const f = oos.figures;
    const span = oos.firstDate && oos.lastDate ? ` ${oos.firstDate} → ${oos.lastDate}` : '';
    lines.push(
      fmt`${bold`Out-of-sample`} (walk-forward${oos.demo ? ' on DEMO bars' : ''}${span}): ${String(f.oosTrades)} trades · Sharpe ${figure(f.sharpe, 'ratio')} · max DD ${figure(f.maxDrawdown, 'percent')} · PF ${figure(f.profitFactor, 'ratio')} · win ${figure(f.winRate, 'percent')} · DSR ${figure(oos.dsr, 'probability')}${d.manifest ? ` · manifest ${shortHash(d.manifest)}` : ''}`,
    );
  } else lines.push(fmt`${bold`Out-of-sample`}: no stored walk-forward figures.`);
  lines.push('', fmt`${bold`Sizing if LIVE`} (half-Kelly on its closed shadow trades in R, before the position, hypothesis, cash and session caps):`, ...sizingLines(d.sizing, h.market));
  if (h.market === 'KR') lines.push(krCapLine(d.sizing.equity));
  lines.push('', d.demote ? demoteLine(d.demote) : `LIVE in ${h.market}: ${d.live.count}/${d.live.cap}.`);
  lines.push(
    `Keep: no card until its book has ${d.askAgainAt} sessions (10 more), then again if it still qualifies; it is not retired by the 90-session rule while it qualifies.`,
    `Buttons bound to this version${d.demote ? ` and to ${d.demote.weakest.id}'s` : ''}; valid until ${marketStamp(h.market, new Date(expiresAtMs))}. Promote checks again that it qualifies at the tap.`,
  );
  return join(lines, '\n');
}

/**
 * KR: the one-hypothesis cap in won, from the KR equity alone (US dollars never enter it):
 * "At most 40% of the KR equity ₩100,000,000 = ₩40,000,000 in its open positions (KRX sessions, KST)".
 */
function krCapLine(equity: number): string {
  const won = amountsFor('KR').amount;
  const e = Math.round(equity);
  return `At most ${(HYPOTHESIS_MAX_OPEN * 100).toFixed(0)}% of the KR equity ${won(e)} = ${won(Math.round(HYPOTHESIS_MAX_OPEN * e))} in its open positions; KR allocation is in won on KRX session days (KST), apart from US dollars.`;
}

/** The Promote button's label: "Promote and demote X" when the LIVE cap is full. */
export function promoteButtonText(d: PromoteCardData): string {
  return d.demote ? `🚀 Promote ${d.hypothesis.id} and demote ${d.demote.weakest.id}` : `🚀 Promote ${d.hypothesis.id}`;
}

/** The Keep button's label. */
export const KEEP_BUTTON_TEXT = '🕒 Keep (ask in 10 sessions)';

/** The shadow book's equity with its drawdown (the card's chart); null when too short to draw. */
export function promoteEquityChart(d: PromoteCardData): LineChartSpec | null {
  if (d.equity.values.length < 2) return null;
  return {
    ...equityChartSpec({
      title: `${d.hypothesis.id} · ${familyTitle(d.hypothesis.family) ?? d.hypothesis.family} · shadow book (PAPER)`,
      dates: d.equity.dates,
      equity: d.equity.values,
      ...(d.demo ? { watermark: 'DEMO' } : {}),
    }),
    width: 800,
    height: 450,
  };
}

function failing(checks: Check<PaperQualificationRule>[]): string {
  return checks
    .filter((c) => !c.pass)
    .map(paperCheckLine)
    .join('\n');
}

/** /promote ID when there is no card to show. */
export function promoteAskRefusalText(a: Exclude<PromoteAsk, { kind: 'card' }>): string {
  switch (a.kind) {
    case 'forbidden':
      return 'Only an admin can promote a hypothesis.';
    case 'not_found':
      return `No hypothesis has the id "${a.id.slice(0, 70)}". Send /hypotheses to list them.`;
    case 'not_paper':
      return `${name(a.hypothesis)} is ${a.hypothesis.state}${a.hypothesis.retiredReason ? ` (${words(a.hypothesis.retiredReason)})` : ''}: only a PAPER hypothesis that qualifies can be promoted.`;
    case 'not_reviewed':
      return `${name(a.hypothesis)} is PAPER but its shadow book has not been reviewed since it entered PAPER (${a.hypothesis.stateSinceSession}): it cannot qualify yet. The review runs after each session's close.`;
    case 'not_qualifying':
      return `${name(a.hypothesis)} does not qualify (shadow book after ${a.sessions} sessions, ${a.session}); there is no force-promote. Failing:\n${failing(a.checks)}`;
    case 'moved':
      return `${name(a.hypothesis)} changed since the review (version ${a.expectedVersion} then, ${a.hypothesis.state} version ${a.hypothesis.version} now).`;
  }
}

function refusalText(r: ConfirmRefusal): string {
  switch (r.kind) {
    case 'used':
      return r.how === 'cancelled' ? 'This card was answered with Keep. Send /promote ID for a new one.' : 'This card was already used.';
    case 'expired':
      return 'This card has expired. Send /promote ID for a fresh one.';
    case 'stale':
      return 'This card is out of date. Send /promote ID for a fresh one.';
    case 'unknown':
      return 'This button is not valid. Send /promote ID again.';
  }
}

/** Why a Promote tap changed nothing. */
export function promoteConfirmRefusalText(r: Exclude<PromoteConfirm, { kind: 'promoted' }>): string {
  switch (r.kind) {
    case 'forbidden':
      return 'Only an admin can promote a hypothesis.';
    case 'refused':
      return refusalText(r.refusal);
    case 'stale':
      return `${name(r.hypothesis)} changed since this card was shown (version ${r.shownVersion} then; now ${r.hypothesis.state}, version ${r.hypothesis.version}, since ${marketStamp(r.hypothesis.market, r.hypothesis.stateSince)}). Nothing was changed.`;
    case 'stale_demote':
      return r.demote
        ? `${name(r.demote)}, which this card would demote, changed since it was shown (version ${r.shownVersion} then; now ${r.demote.state}, version ${r.demote.version}). Nothing was changed: send /promote ${r.hypothesis.id} for a card as things are now.`
        : `${r.demoteId}, which this card would demote, no longer exists. Nothing was changed: send /promote ${r.hypothesis.id} again.`;
    case 'not_reviewed':
      return `${name(r.hypothesis)} has no shadow-book review in its current PAPER period: it cannot qualify now. Nothing was changed.`;
    case 'not_qualifying':
      return `${name(r.hypothesis)} no longer qualifies (shadow book after ${r.sessions} sessions, ${r.session}): nothing was changed. Failing: ${r.checks
        .filter((c) => !c.pass)
        .map(paperCheckLine)
        .join('; ')}`;
    case 'live_full':
      return `The ${r.hypothesis.market} LIVE cap filled since this card was shown. Nothing was changed: send /promote ${r.hypothesis.id} for a card that offers to demote the weakest LIVE one.`;
    case 'not_found':
      return `Hypothesis ${r.id} no longer exists. Nothing was changed.`;
    case 'not_allowed':
      return `${name(r.hypothesis)} cannot be promoted from ${r.hypothesis.state} (${words(r.reason)}). Nothing was changed.`;
  }
}

/** The card after a tap that promoted it, and the announcement to the other admins. */
export function promotedText(r: Extract<PromoteConfirm, { kind: 'promoted' }>, by: { name: string; id: number }): FmtString {
  const h = r.hypothesis;
  const demoted = r.demoted ? `\n⬇️ ${name(r.demoted.hypothesis)} LIVE → PAPER (version ${r.demoted.hypothesis.version}) to make room; its open positions keep their exits.` : '';
  return fmt`🚀 ${bold`Promoted ${h.id}`} by ${by.name} (${String(by.id)}): ${familyTitle(h.family) ?? h.family} · ${h.market} · PAPER → LIVE (version ${String(h.version)}), qualifying on its shadow book after ${String(r.sessions)} sessions (${r.session}). Its signals now become pick cards; each needs an Approve.${demoted}`;
}

/** Why a Keep tap changed nothing. */
export function keepRefusalText(r: Exclude<PromoteKeep, { kind: 'kept' }>): string {
  switch (r.kind) {
    case 'forbidden':
      return 'Only an admin can answer a Promote card.';
    case 'refused':
      return r.refusal.kind === 'used' && r.refusal.how === 'redeemed' ? 'Too late: this card was already used to promote.' : refusalText(r.refusal);
    case 'stale':
      return `${name(r.hypothesis)} changed since this card was shown (now ${r.hypothesis.state}, version ${r.hypothesis.version}). Nothing was changed.`;
    case 'not_reviewed':
      return `${name(r.hypothesis)} has no shadow-book review in its current PAPER period. Nothing was changed.`;
    case 'not_found':
      return `Hypothesis ${r.id} no longer exists. Nothing was changed.`;
  }
}

/** The card after Keep. */
export function keptText(r: Extract<PromoteKeep, { kind: 'kept' }>, by: { name: string; id: number }): string {
  return `🕒 Kept ${name(r.hypothesis)} in PAPER by ${by.name} (${by.id}) after ${r.sessions} sessions (${r.session}). The card comes again once its book has ${r.askAgainAt} sessions, if it still qualifies; /promote ${r.hypothesis.id} works any time it qualifies.`;
}

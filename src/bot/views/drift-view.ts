/**
 * Chat text of the drift alerts (issue 21, part 3). Every figure is shown rounded, and the
 * derived ones (the shortfall, its size in standard deviations) are computed from the rounded
 * figures shown, so a reader who recomputes them from the message gets the message's numbers.
 */
import type { DriftNotice } from '../../trading/risk/drift-notices.js';
import { signed } from '../format/numbers.js';

type TestBreach = Extract<DriftNotice, { kind: 'drift.test-breach' }>;
type ExecutionWide = Extract<DriftNotice, { kind: 'drift.execution-wide' }>;

/** Rounds to `d` decimals (what `signed(x, d)` shows). */
function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** The reference's origin, in words. */
function referenceText(n: TestBreach): string {
  const r = n.line.reference;
  return r.kind === 'backtest' ? `its backtest (run ${r.runId.slice(0, 8)}, finished ${r.finishedOn})` : `its PAPER shadow book (as of ${r.session})`;
}

/** What an admin can do about a breach of `subject`. */
function whatToDo(n: TestBreach): string {
  const l = n.line;
  if (l.kind === 'hypothesis') {
    const id = l.subject.replace(/^hyp:/, '');
    return `What to do: review it with /hypothesis ${id}; if the edge is gone, /retire ${id}. Until then, consider rejecting its picks.`;
  }
  return `What to do: re-run its backtest (/backtest) on recent data and compare; consider pausing approvals of ${l.subject} picks until it is understood.`;
}

/** The message of a sequential-test breach. */
export function testBreachText(n: TestBreach): string {
  const l = n.line;
  const live = round(l.liveMeanR, 2);
  const ref = round(l.referenceMeanR, 2);
  const sd = round(l.referenceSdR, 2);
  const shortfall = round(ref - live, 2);
  const stat = round(l.statistic, 2);
  const h = round(l.threshold, 2);
  const who = l.kind === 'hypothesis' ? `Hypothesis ${l.subject}` : `Strategy ${l.subject}`;
  return [
    `⚠️ DRIFT · ${who}: live trades left the band of ${referenceText(n)}`,
    `As of the session ${n.asOf} (New York).`,
    `Live: ${l.liveTrades} closed trades, mean R ${signed(live)}.`,
    `Reference: ${l.referenceTrades} trades, mean R ${signed(ref)}, sd ${sd.toFixed(2)}.`,
    `Shortfall: ${signed(ref)} − ${signed(live)} = ${shortfall.toFixed(2)} R = ${sd > 0 ? (shortfall / sd).toFixed(2) : '—'} sd.`,
    `Lower CUSUM (k ${n.bound.k.toFixed(1)}): S ${stat.toFixed(2)} ≥ threshold ${h.toFixed(2)}${l.firstBreachTrade !== null ? `, first reached at live trade ${l.firstBreachTrade}` : ''}.`,
    `The threshold keeps false alarms ≤ ${Math.round(n.bound.falseAlarmBound * 100)} % over ${n.bound.horizon} in-distribution trades.`,
    whatToDo(n),
  ].join('\n');
}

/** The message of a market whose fills widened past the alert level. */
export function executionWideText(n: ExecutionWide): string {
  const l = n.line;
  const m = round(l.medianBps, 1);
  return [
    `⚠️ DRIFT · Execution (${l.market}): entry fills are slipping`,
    `As of the session ${n.asOf} (New York).`,
    `Median of the last ${l.fills} fills: ${signed(m, 1)} bps against the card's entry, past the alert level of ${l.alertBps} bps (EXEC_SLIPPAGE_ALERT_BPS).`,
    l.medianVsCloseBps === null ? `Against the signal bar's close: no close stored.` : `Against the signal bar's close: ${signed(round(l.medianVsCloseBps, 1), 1)} bps.`,
    `The median covers up to the last ${n.window} filled entries.`,
    `What to do: look at the recent entries' fills in /orders; consider tighter limits, or pausing approvals until fills come back under ${l.alertBps} bps.`,
  ].join('\n');
}

/**
 * The weekly review's arithmetic (pure): every figure is rounded once, at its finest grain (cents
 * per trade, 0.01 R per trade, 0.1 bp per fill), and totals are sums of those rounded parts, so
 * the message's totals recompute exactly from the parts it shows.
 */
import { isSession, nextSession, nyLocalParts } from '../../engine/calendar/index.js';
import { hypothesisIdOf } from '../../engine/signal.js';
import type { ApprovalOutcomes, CountBy, DailyRealized, OutcomeGroup, PostedOutcomes } from './types.js';
import type { PostedPickRow } from './queries.js';

const cents = (x: number): number => Math.round(x * 100) / 100;
const r2 = (x: number): number => Math.round(x * 100) / 100;
/** Sums dollar amounts through integer cents (no float drift). */
export const sumCents = (xs: readonly number[]): number => xs.reduce((s, x) => s + Math.round(x * 100), 0) / 100;

/** Median of `xs` (mean of the two middle values for an even count), or null when empty. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** What became of the posted cards, and the approved ones' order outcomes. */
export function postedOutcomes(rows: readonly PostedPickRow[]): { posted: PostedOutcomes; approvals: ApprovalOutcomes } {
  const posted: PostedOutcomes = { total: rows.length, approved: 0, rejected: 0, expired: 0, undecided: 0 };
  const approvals: ApprovalOutcomes = { total: 0, filled: 0, partiallyFilled: 0, notFilled: 0, refused: 0, refusedBy: [], failed: 0, open: 0 };
  const gates = new Map<string, number>();
  for (const r of rows) {
    // An approval decides the card whatever came after it; an expiry is the audit's word; else the pick's own state.
    if (r.approval_state !== null) {
      posted.approved++;
      approvals.total++;
      switch (r.approval_state) {
        case 'filled':
          approvals.filled++;
          break;
        case 'partially_filled':
          approvals.partiallyFilled++;
          break;
        case 'not_filled':
          approvals.notFilled++;
          break;
        case 'refused': {
          approvals.refused++;
          const gate = r.refused_gate ?? 'unknown';
          gates.set(gate, (gates.get(gate) ?? 0) + 1);
          break;
        }
        case 'failed':
          approvals.failed++;
          break;
        default:
          approvals.open++;
      }
    } else if (r.expired || r.state === 'EXPIRED') posted.expired++;
    else if (r.state === 'REJECTED') posted.rejected++;
    else posted.undecided++;
  }
  approvals.refusedBy = byCount(gates);
  return { posted, approvals };
}

/** Counts as a list, biggest first, then by name. */
export function byCount(m: ReadonlyMap<string, number>): CountBy[] {
  return [...m].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** One closed trade as the review counts it. */
export interface ClosedTrade {
  source: string;
  /** Realized P&L in dollars. */
  pnl: number;
  /** When it is filed (epoch ms). */
  at: number;
  qty: number;
  cardEntry: number | null;
  cardStop: number | null;
}

/** The trade's R: its P&L over the risk its card took (|entry − stop| × quantity); null when unknown. */
export function tradeR(t: ClosedTrade): number | null {
  if (t.cardEntry === null || t.cardStop === null) return null;
  const risk = Math.abs(t.cardEntry - t.cardStop) * t.qty;
  return risk > 0 ? r2(t.pnl / risk) : null;
}

/**
 * Closed trades per strategy and hypothesis, biggest P&L magnitude first. `expected` gives a
 * source's expected R per trade and where it comes from (the drift tests' reference: the latest
 * risk-sized backtest of a strategy, a hypothesis's PAPER book); absent, "none stored".
 */
export function outcomeGroups(trades: readonly ClosedTrade[], expected: ReadonlyMap<string, { meanR: number; from: string }> = new Map()): OutcomeGroup[] {
  const groups = new Map<string, ClosedTrade[]>();
  for (const t of trades) groups.set(t.source, [...(groups.get(t.source) ?? []), t]);
  return [...groups]
    .map(([source, ts]): OutcomeGroup => {
      const rs = ts.map(tradeR).filter((r): r is number => r !== null);
      const sumR = r2(rs.reduce((s, r) => s + r, 0));
      return {
        kind: hypothesisIdOf(source) === null ? 'strategy' : 'hypothesis',
        source,
        trades: ts.length,
        wins: ts.filter((t) => cents(t.pnl) > 0).length,
        realizedPnl: sumCents(ts.map((t) => cents(t.pnl))),
        withR: rs.length,
        sumR,
        meanR: rs.length > 0 ? r2(sumR / rs.length) : null,
        // Only a stored reference counts as an expectation: none is said as such, never invented.
        expectation: expected.get(source) ?? null,
      };
    })
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'strategy' ? -1 : 1) || Math.abs(b.realizedPnl) - Math.abs(a.realizedPnl) || a.source.localeCompare(b.source));
}

/** The session a trade at `atMs` is filed under: its New York date, or the next session when that date has none. */
export function filedSession(atMs: number): string {
  const date = nyLocalParts(atMs).date;
  return isSession(date) ? date : nextSession(date);
}

/** Realized P&L per session of the week (every session listed, zero when nothing closed). */
export function dailyRealized(sessions: readonly string[], trades: readonly ClosedTrade[], signalsOn: ReadonlyMap<string, number> = new Map()): DailyRealized[] {
  return sessions.map((date) => {
    const ts = trades.filter((t) => filedSession(t.at) === date);
    return { date, trades: ts.length, realizedPnl: sumCents(ts.map((t) => cents(t.pnl))), signals: signalsOn.get(date) ?? 0 };
  });
}

/** Entry slippage in basis points against the card's entry (positive = worse than the card), one decimal, ascending. */
export function slippageBps(fills: readonly { side: 'buy' | 'sell'; fill: number; cardEntry: number }[]): number[] {
  return fills
    .filter((f) => f.cardEntry > 0 && Number.isFinite(f.fill))
    .map((f) => Math.round(((f.side === 'buy' ? f.fill - f.cardEntry : f.cardEntry - f.fill) / f.cardEntry) * 100_000) / 10)
    .sort((a, b) => a - b);
}

/** Each drift test's reference mean R as the expectation of its source (the drift status of the week's last session). */
export function expectationsFrom(tests: readonly { subject: string; referenceMeanR?: number | null; referenceTrades?: number; reference?: { kind: string; runId?: string; session?: string } | null }[]): Map<string, { meanR: number; from: string }> {
  const out = new Map<string, { meanR: number; from: string }>();
  for (const t of tests) {
    if (t.referenceMeanR === null || t.referenceMeanR === undefined || !t.reference) continue;
    const n = t.referenceTrades ?? 0;
    const from = t.reference.kind === 'backtest' ? `backtest run ${String(t.reference.runId ?? '').slice(0, 8)}, ${n} trades` : `PAPER book to ${t.reference.session ?? '?'}, ${n} trades`;
    out.set(t.subject, { meanR: r2(t.referenceMeanR), from });
  }
  return out;
}

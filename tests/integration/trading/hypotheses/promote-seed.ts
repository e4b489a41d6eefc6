/**
 * Seeds for the Promote tests (integration and e2e): hypotheses moved through
 * HypothesisStore's own edges, and shadow-book snapshots written through
 * HypothesisBookStore.upsert, as the session review writes them.
 */
import type { HypothesisDefinition } from '../../../../src/engine/hypotheses/definition.js';
import type { PaperFigures } from '../../../../src/engine/hypotheses/paper-review.js';
import type { BookSnapshot, HypothesisBookStore } from '../../../../src/trading/hypotheses/books.js';
import type { HypothesisStore, StoredHypothesis } from '../../../../src/trading/hypotheses/store.js';

/** Figures that pass every PAPER qualification rule (≥ 30 sessions given separately). */
export const QUALIFYING: PaperFigures = { closedTrades: 24, sharpe: 1.21, maxDrawdown: 0.042, profitFactor: 1.62 };

/** 10 wins of 1.1R and 10 losses of 1R: p 0.5, b 1.1, a thin edge Kelly sizes under the 1 % cap. */
export const THIN_EDGE_R: number[] = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1.1 : -1));

export function definition(tag: string, n: number): HypothesisDefinition {
  return {
    family: n % 2 === 0 ? 'momentum' : 'ibs_low',
    market: 'US',
    centre: { lookback: 10 + n },
    grid: { lookback: [String(9 + n), String(10 + n), String(11 + n)] },
    exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 20, targetAtr: null },
  };
}

/** A stored evaluation as the incubator stores it (figures, chosen params, outcome), with an OOS Sharpe. */
export function evaluation(oosSharpe: number): Record<string, unknown> {
  return {
    figures: { oosTrades: 52, sharpe: oosSharpe, maxDrawdown: 0.0912, profitFactor: 1.84, winRate: 0.5192 },
    daily: { days: 480, sharpe: oosSharpe / Math.sqrt(252), skewness: 0.05, kurtosis: 3.1 },
    chosenParams: { lookback: 11 },
    windows: [],
    equity: { dates: ['2025-01-02', '2026-06-02'], values: [100_000, 112_000] },
    firstDate: '2024-01-02',
    lastDate: '2026-06-02',
    symbols: 8,
    outcome: { to: 'PAPER', dsr: 0.987, reasons: [] },
    demo: false,
  };
}

/** A PAPER hypothesis (proposed, then incubation passed at `since`). */
export async function seedPaper(store: HypothesisStore, tag: string, n: number, opts: { since?: string; oosSharpe?: number } = {}): Promise<StoredHypothesis> {
  const since = opts.since ?? '2026-09-01';
  const [h] = await store.propose('US', since, [{ definition: definition(tag, n), canonical: `${tag}:${n}` }], 'generator');
  if (!h) throw new Error(`seed: ${tag}:${n} was not proposed`);
  const moved = await store.transition(h.id, h.version, { kind: 'incubation_passed' }, {
    actor: 'incubator',
    session: since,
    figures: {},
    extras: { evaluation: evaluation(opts.oosSharpe ?? 1.5), dailySharpe: (opts.oosSharpe ?? 1.5) / Math.sqrt(252), params: { lookback: 10 + n } },
  });
  if (!moved.ok) throw new Error(`seed: ${moved.reason}`);
  return moved.hypothesis;
}

/** Weekdays from `from` (inclusive), `n` of them. */
export function weekdays(from: string, n: number): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); out.length < n; t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** Writes the snapshot the session review would write for `h` at its current state and version. */
export async function snapshot(
  books: HypothesisBookStore,
  h: StoredHypothesis,
  opts: { sessions: number; paper: PaperFigures; closedR?: number[]; from?: string },
): Promise<BookSnapshot> {
  const dates = weekdays(opts.from ?? h.stateSinceSession, opts.sessions);
  const values = dates.map((_, i) => 100_000 * (1 + 0.001 * i));
  const s: BookSnapshot = {
    hypothesisId: h.id,
    session: dates.at(-1)!,
    state: h.state as 'PAPER' | 'LIVE',
    version: h.version,
    bookFrom: dates[0]!,
    bookFromSource: 'state_since',
    sessions: opts.sessions,
    startEquity: 100_000,
    figures: { paper: opts.paper, live: null },
    review: {},
    equity: { dates, values },
    trades: { closed: opts.paper.closedTrades, open: 1, lastClosed: [], openTrades: [] },
    closedR: opts.closedR ?? THIN_EDGE_R,
    demo: false,
  };
  if (!(await books.upsert(s))) throw new Error(`seed: snapshot of ${h.id} not written`);
  return s;
}

/** A LIVE hypothesis: PAPER, a qualifying snapshot, an admin's promotion; then a LIVE snapshot with `shadowSharpe` (none when null). */
export async function seedLive(store: HypothesisStore, books: HypothesisBookStore, tag: string, n: number, opts: { shadowSharpe: number | null; oosSharpe?: number }): Promise<StoredHypothesis> {
  const p = await seedPaper(store, tag, n, opts.oosSharpe === undefined ? {} : { oosSharpe: opts.oosSharpe });
  const moved = await store.transition(p.id, p.version, { kind: 'promote', by: 'admin', qualifiesNow: true }, { actor: 'seed', session: '2026-10-15', figures: {} });
  if (!moved.ok) throw new Error(`seed: ${moved.reason}`);
  // A LIVE snapshot for a later session than the PAPER one, so it is the latest.
  if (opts.shadowSharpe !== null) await snapshot(books, moved.hypothesis, { sessions: 60, paper: { ...QUALIFYING, sharpe: opts.shadowSharpe } });
  return moved.hypothesis;
}

/**
 * Fixtures of the drift tests of LIVE hypotheses (issue 21, part 3): a hypothesis moved to LIVE
 * through HypothesisStore's own edges (proposed → PAPER → promoted), with shadow-book snapshots
 * written through HypothesisBookStore.upsert as the session review writes them. Its live trades
 * are planted with drift-fixtures.ts's round trips under its source `hyp:<id>`.
 */
import type { DataSource } from 'typeorm';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { hypothesisSourceId } from '../../../src/engine/signal.js';
import { AuditLog } from '../../../src/trading/audit/audit-log.js';
import { HypothesisBookStore, type BookSnapshot } from '../../../src/trading/hypotheses/books.js';
import type { StoredHypothesis } from '../../../src/trading/hypotheses/store.js';
import { HypothesisStore } from '../../../src/trading/hypotheses/store.js';
import { seedPaper } from '../trading/hypotheses/promote-seed.js';

/** One shadow-book snapshot to write: its session and the closed R multiples it holds (exit order). */
export interface PlantedBook {
  session: string;
  closedR: readonly number[];
}

/** What {@link plantLiveHypothesis} plants. */
export interface LiveHypothesisPlan {
  /** Distinguishes hypotheses of one database (their canonical strings). */
  tag: string;
  /** PAPER since (incubation passed). */
  paperSince: string;
  /** PAPER snapshots, written before the promotion (sessions on or after `paperSince`). */
  paperBooks: readonly PlantedBook[];
  /** The promotion's session (after every PAPER snapshot). */
  promotedOn: string;
  /** LIVE snapshots, written after the promotion (their closed R continue the PAPER book's). */
  liveBooks?: readonly PlantedBook[];
}

/** A planted LIVE hypothesis: its row and its signal source (`hyp:<id>`, the `strategy` its orders carry). */
export interface PlantedHypothesis {
  hypothesis: StoredHypothesis;
  source: string;
}

/** A snapshot as the session review would write it for `h` at its current state and version. */
function book(h: StoredHypothesis, b: PlantedBook): BookSnapshot {
  const dates = [h.stateSinceSession, b.session];
  return {
    hypothesisId: h.id,
    session: b.session,
    state: h.state as 'PAPER' | 'LIVE',
    version: h.version,
    bookFrom: h.stateSinceSession,
    bookFromSource: 'state_since',
    sessions: 40,
    startEquity: 100_000,
    figures: { paper: { closedTrades: b.closedR.length, sharpe: 1.2, maxDrawdown: 0.04, profitFactor: 1.6 }, live: null },
    review: {},
    equity: { dates, values: [100_000, 101_000] },
    trades: { closed: b.closedR.length, open: 0, lastClosed: [], openTrades: [] },
    closedR: [...b.closedR],
    demo: false,
  };
}

/** Proposes a hypothesis, passes its incubation, writes its PAPER snapshots, promotes it (admin) and writes its LIVE snapshots. */
export async function plantLiveHypothesis(ds: DataSource, plan: LiveHypothesisPlan, n = 1): Promise<PlantedHypothesis> {
  const uow = new TypeOrmUnitOfWork(ds);
  const store = new HypothesisStore(uow, new AuditLog(uow));
  const books = new HypothesisBookStore(uow);
  const paper = await seedPaper(store, plan.tag, n, { since: plan.paperSince });
  for (const b of plan.paperBooks) {
    if (!(await books.upsert(book(paper, b)))) throw new Error(`fixture: PAPER snapshot ${b.session} of ${paper.id} not written`);
  }
  const moved = await store.transition(paper.id, paper.version, { kind: 'promote', by: 'admin', qualifiesNow: true }, { actor: 'drift-test', session: plan.promotedOn, figures: {} });
  if (!moved.ok) throw new Error(`fixture: promotion of ${paper.id} refused: ${moved.reason}`);
  for (const b of plan.liveBooks ?? []) {
    if (!(await books.upsert(book(moved.hypothesis, b)))) throw new Error(`fixture: LIVE snapshot ${b.session} of ${paper.id} not written`);
  }
  return { hypothesis: moved.hypothesis, source: hypothesisSourceId(moved.hypothesis.id) };
}

/** Mean of `xs` (the test's own recomputation of a reference's mean R). */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation of `xs`. */
export function sampleSd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/**
 * The R a live round trip of drift-fixtures.ts books for `r`: its realized P&L is stored in cents
 * (one R = $50 there: a $5 stop distance × 10 shares), so R comes back rounded to 1/5000.
 */
export function bookedR(r: number): number {
  return Math.round(r * 50 * 100) / 100 / 50;
}

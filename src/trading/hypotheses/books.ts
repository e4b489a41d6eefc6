import type { TableSession } from '../../adapters/db/port.js';
import type { BookFromSource, HypothesisBookRecord, SnapshotTrades } from '../../adapters/db/tables/hypotheses/port.js';
import type { LiveFigures } from '../../engine/hypotheses/live-review.js';
import type { PaperFigures } from '../../engine/hypotheses/paper-review.js';
import type { ShadowBook } from '../../engine/hypotheses/shadow-book.js';
import { closedShadowTrades } from '../../engine/hypotheses/shadow-figures.js';
import { figuresJson, reviveFigures } from './figures-json.js';

// The snapshot's stored shapes are the table's (src/adapters/db/tables/hypotheses/port.ts); re-exported for the use cases.
export type { BookFromSource, SnapshotClosedTrade, SnapshotOpenTrade, SnapshotTrades } from '../../adapters/db/tables/hypotheses/port.js';

/** Trades kept in a snapshot's summary: the last closed ones and the open ones (each list at most this long). */
export const SNAPSHOT_TRADES = 20;

/** One stored review of one hypothesis's shadow book for one session. */
export interface BookSnapshot {
  hypothesisId: string;
  session: string;
  state: 'PAPER' | 'LIVE';
  /** The hypothesis's version the review saw. */
  version: number;
  bookFrom: string;
  bookFromSource: BookFromSource;
  /** Universe calendar sessions in the book (its dates). */
  sessions: number;
  startEquity: number;
  figures: { paper: PaperFigures; live: LiveFigures | null };
  /** The review's verdict and checks (paperReview / liveReview output). */
  review: unknown;
  equity: { dates: string[]; values: number[] };
  trades: SnapshotTrades;
  /** R multiples of the closed trades in exit order: the half-Kelly sample (DESIGN section 10). */
  closedR: number[];
  /** True when the universe was demo (synthetic) data. */
  demo: boolean;
}

/** A stored row as a snapshot: the figures' ±Infinity strings revived. */
function toSnapshot(r: HypothesisBookRecord): BookSnapshot {
  return { ...r, figures: reviveFigures(r.figures), review: reviveFigures(r.review) };
}

/** The trades summary of a book: counts plus the last {@link SNAPSHOT_TRADES} closed and the first as many open. */
export function summariseTrades(book: ShadowBook): SnapshotTrades {
  const closed = closedShadowTrades(book);
  return {
    closed: closed.length,
    open: book.open.length,
    lastClosed: closed.slice(-SNAPSHOT_TRADES).map((t) => ({
      symbol: t.symbol,
      signalDate: t.signalDate,
      entryDate: t.entryDate,
      entryPrice: t.entryPrice,
      stop: t.stop,
      qty: t.qty,
      exitDate: t.exitDate,
      exitPrice: t.exitPrice,
      exitReason: t.exitReason,
      pnl: t.pnl,
      r: t.r,
    })),
    openTrades: book.open.slice(0, SNAPSHOT_TRADES).map((t) => ({
      symbol: t.symbol,
      signalDate: t.signalDate,
      entryDate: t.entryDate,
      entryPrice: t.entryPrice,
      stop: t.stop,
      target: t.target,
      qty: t.qty,
      markDate: t.markDate,
      markPrice: t.markPrice,
      unrealisedPnl: t.unrealisedPnl,
    })),
  };
}

/**
 * Shadow-book snapshots in Postgres (table `hypothesis_books`): written by
 * the session review, read by /hypothesis, the digests and Kelly sizing.
 */
export class HypothesisBookStore {
  constructor(private readonly db: TableSession) {}

  /**
   * Stores a snapshot; idempotent per (hypothesis, session). A row for the
   * same session is replaced only when it was taken at the same version: a
   * second review after a transition (e.g. the demoted hypothesis reviewed
   * again as PAPER) keeps the snapshot that justified the transition.
   *
   * @returns true when the row was written (inserted or replaced)
   */
  async upsert(s: BookSnapshot): Promise<boolean> {
    const n = await this.db.exec(
      `INSERT INTO hypothesis_books (hypothesis_id, session, state, version, book_from, book_from_source, sessions, start_equity,
          figures, review, equity, trades, closed_r, demo, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, now())
       ON CONFLICT (hypothesis_id, session) DO UPDATE SET
          state = EXCLUDED.state, book_from = EXCLUDED.book_from, book_from_source = EXCLUDED.book_from_source,
          sessions = EXCLUDED.sessions, start_equity = EXCLUDED.start_equity, figures = EXCLUDED.figures,
          review = EXCLUDED.review, equity = EXCLUDED.equity, trades = EXCLUDED.trades, closed_r = EXCLUDED.closed_r,
          demo = EXCLUDED.demo, at = now()
        WHERE hypothesis_books.version = EXCLUDED.version`,
      [
        s.hypothesisId,
        s.session,
        s.state,
        s.version,
        s.bookFrom,
        s.bookFromSource,
        s.sessions,
        s.startEquity,
        figuresJson(s.figures),
        figuresJson(s.review),
        JSON.stringify(s.equity),
        figuresJson(s.trades),
        JSON.stringify(s.closedR),
        s.demo,
      ],
    );
    return n === 1;
  }

  /** The snapshot of one hypothesis for one session, or null. */
  async get(hypothesisId: string, session: string): Promise<BookSnapshot | null> {
    const row = await this.db.tables.hypotheses.book(hypothesisId.trim(), session);
    return row ? toSnapshot(row) : null;
  }

  /** The latest snapshot of one hypothesis (what /hypothesis and Kelly read), or null before its first review. */
  async latest(hypothesisId: string): Promise<BookSnapshot | null> {
    const row = await this.db.tables.hypotheses.latestBook(hypothesisId.trim());
    return row ? toSnapshot(row) : null;
  }

  /** Every snapshot of one hypothesis, oldest first. */
  async history(hypothesisId: string): Promise<BookSnapshot[]> {
    return (await this.db.tables.hypotheses.bookHistory(hypothesisId.trim())).map(toSnapshot);
  }
}

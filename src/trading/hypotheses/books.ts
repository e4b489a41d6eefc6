import { z } from 'zod';
import type { UnitOfWork } from '../../adapters/db/port.js';
import { pgBool, pgInt, pgJson, pgText } from '../../lib/sql-columns.js';
import { pgJsonArray, pgJsonObject } from '../../lib/sql-json.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import type { LiveFigures } from '../../engine/hypotheses/live-review.js';
import type { PaperFigures } from '../../engine/hypotheses/paper-review.js';
import type { ShadowBook } from '../../engine/hypotheses/shadow-book.js';
import { closedShadowTrades } from '../../engine/hypotheses/shadow-figures.js';
import { figuresJson, reviveFigures } from './figures-json.js';

/** How the first session of a book was found (see session-review-from.ts). */
export type BookFromSource = 'state_since' | 'transition_session';

/** Trades kept in a snapshot's summary: the last closed ones and the open ones (each list at most this long). */
export const SNAPSHOT_TRADES = 20;

/** One closed shadow trade as a snapshot lists it. */
export interface SnapshotClosedTrade {
  symbol: string;
  signalDate: string;
  entryDate: string;
  entryPrice: number;
  stop: number;
  qty: number;
  exitDate: string;
  exitPrice: number;
  exitReason: string;
  pnl: number;
  r: number;
}

/** One open shadow trade as a snapshot lists it, with its mark. */
export interface SnapshotOpenTrade {
  symbol: string;
  signalDate: string;
  entryDate: string;
  entryPrice: number;
  stop: number;
  target: number | null;
  qty: number;
  markDate: string;
  markPrice: number;
  unrealisedPnl: number;
}

/** The trades of a book in brief: counts, the last closed trades (exit order) and the open ones (entry order). */
export interface SnapshotTrades {
  closed: number;
  open: number;
  lastClosed: SnapshotClosedTrade[];
  openTrades: SnapshotOpenTrade[];
}

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

/** A `hypothesis_books` row as {@link COLUMNS} selects it (dates as ISO text). */
const BookRow = z.object({
  hypothesis_id: pgText,
  session: pgText,
  state: z.enum(['PAPER', 'LIVE']),
  version: pgInt,
  book_from: pgText,
  book_from_source: z.enum(['state_since', 'transition_session']),
  sessions: pgInt,
  start_equity: pgInt,
  figures: pgJsonObject<BookSnapshot['figures']>(),
  review: pgJson,
  equity: pgJsonObject<BookSnapshot['equity']>(),
  trades: pgJsonObject<SnapshotTrades>(),
  closed_r: pgJsonArray<number>(),
  demo: pgBool,
});
type Row = z.output<typeof BookRow>;

const COLUMNS = `hypothesis_id, session::text AS session, state, version, book_from::text AS book_from, book_from_source,
  sessions, start_equity, figures, review, equity, trades, closed_r, demo`;

function toSnapshot(r: Row): BookSnapshot {
  return {
    hypothesisId: r.hypothesis_id,
    session: r.session,
    state: r.state,
    version: r.version,
    bookFrom: r.book_from,
    bookFromSource: r.book_from_source,
    sessions: r.sessions,
    startEquity: r.start_equity,
    figures: reviveFigures(r.figures),
    review: reviveFigures(r.review),
    equity: r.equity,
    trades: r.trades,
    closedR: r.closed_r,
    demo: r.demo,
  };
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
  constructor(private readonly db: UnitOfWork) {}

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
    const row = await rowOf(this.db, BookRow, `SELECT ${COLUMNS} FROM hypothesis_books WHERE hypothesis_id = lower($1) AND session = $2`, [
      hypothesisId.trim(),
      session,
    ]);
    return row ? toSnapshot(row) : null;
  }

  /** The latest snapshot of one hypothesis (what /hypothesis and Kelly read), or null before its first review. */
  async latest(hypothesisId: string): Promise<BookSnapshot | null> {
    const row = await rowOf(
      this.db,
      BookRow,
      `SELECT ${COLUMNS} FROM hypothesis_books WHERE hypothesis_id = lower($1) ORDER BY session DESC LIMIT 1`,
      [hypothesisId.trim()],
    );
    return row ? toSnapshot(row) : null;
  }

  /** Every snapshot of one hypothesis, oldest first. */
  async history(hypothesisId: string): Promise<BookSnapshot[]> {
    const rows = await rowsOf(this.db, BookRow, `SELECT ${COLUMNS} FROM hypothesis_books WHERE hypothesis_id = lower($1) ORDER BY session`, [
      hypothesisId.trim(),
    ]);
    return rows.map(toSnapshot);
  }
}

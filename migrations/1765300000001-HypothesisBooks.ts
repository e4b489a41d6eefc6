import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shadow-book snapshots of living hypotheses (issue 14, DESIGN section 9).
 *
 * `hypothesis_books`: one row per (hypothesis, session) the session review
 * ran for, written by src/trading/hypotheses/session-review.ts and read by
 * /hypothesis, the digests and Kelly sizing (DESIGN section 10). The book is
 * recomputed from bars each session, so a row is a record of what the review
 * saw, not state the next review builds on (except `book_from` of a LIVE
 * book, which continues the last PAPER book).
 *
 * - `state`/`version`: the hypothesis's state and version the review saw; a
 *   second review of the same session only replaces a row of the same
 *   version, so the snapshot behind a transition is kept.
 * - `book_from`: the book's first session; `book_from_source` says how it was
 *   found (state_since, transition_session, paper_snapshot, transition_time).
 * - `figures`: { paper: PaperFigures, live: LiveFigures | null };
 *   `review`: the verdict with its checks; `equity`: { dates, values };
 *   `trades`: counts and the last trades; `closed_r`: the R multiples of the
 *   closed trades in exit order (the half-Kelly sample).
 * Figures may hold Infinity (a profit factor with no losses), stored as the
 * string "Infinity" (figures-json.ts).
 */
export class HypothesisBooks1765300000001 implements MigrationInterface {
  name = 'HypothesisBooks1765300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hypothesis_books (
        hypothesis_id    text NOT NULL REFERENCES hypotheses (id) ON DELETE CASCADE,
        session          date NOT NULL,
        state            text NOT NULL CHECK (state IN ('PAPER', 'LIVE')),
        version          integer NOT NULL,
        book_from        date NOT NULL,
        book_from_source text NOT NULL,
        sessions         integer NOT NULL CHECK (sessions >= 0),
        start_equity     double precision NOT NULL CHECK (start_equity > 0),
        figures          jsonb NOT NULL,
        review           jsonb NOT NULL,
        equity           jsonb NOT NULL,
        trades           jsonb NOT NULL,
        closed_r         jsonb NOT NULL,
        demo             boolean NOT NULL,
        at               timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (hypothesis_id, session)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE hypothesis_books`);
  }
}

import { EntitySchema } from 'typeorm';

/** A `hypothesis_books` row as the driver returns it (dates as ISO dates, jsonb unchecked). */
export interface HypothesisBookEntity {
  hypothesisId: string;
  session: string;
  state: string;
  version: number;
  bookFrom: string;
  bookFromSource: string;
  sessions: number;
  startEquity: number;
  figures: unknown;
  review: unknown;
  equity: unknown;
  trades: unknown;
  closedR: unknown;
  demo: boolean;
  at: Date;
}

/** `hypothesis_books`, keyed by (hypothesis_id, session) (migrations/1765300000001-HypothesisBooks.ts). */
export const HypothesisBookSchema = new EntitySchema<HypothesisBookEntity>({
  name: 'HypothesisBook',
  tableName: 'hypothesis_books',
  columns: {
    hypothesisId: { name: 'hypothesis_id', type: 'text', primary: true },
    session: { type: 'date', primary: true },
    state: { type: 'text' },
    version: { type: 'integer' },
    bookFrom: { name: 'book_from', type: 'date' },
    bookFromSource: { name: 'book_from_source', type: 'text' },
    sessions: { type: 'integer' },
    startEquity: { name: 'start_equity', type: 'double precision' },
    figures: { type: 'jsonb' },
    review: { type: 'jsonb' },
    equity: { type: 'jsonb' },
    trades: { type: 'jsonb' },
    closedR: { name: 'closed_r', type: 'jsonb' },
    demo: { type: 'boolean' },
    at: { type: 'timestamptz', default: () => 'now()' },
  },
});

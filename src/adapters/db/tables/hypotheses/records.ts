/**
 * The checks between an entity (what the driver returned) and the record the
 * use cases get: enums, bigint text to number, and the jsonb values' kind
 * (src/lib/sql-json.ts), as the row schemas of the hand-written reads did.
 * A row of the wrong shape stops with a RowShapeError, never travels on.
 */
import { z } from 'zod';
import { MARKET_IDS, type HypothesisDefinition } from '../../../../engine/hypotheses/definition.js';
import { HYPOTHESIS_STATES } from '../../../../engine/hypotheses/states.js';
import { pgBool, pgInt, pgJson, pgNumber, pgText, pgTimestamp } from '../../../../lib/sql-columns.js';
import { pgJsonArray, pgJsonObject } from '../../../../lib/sql-json.js';
import type { HypothesisBookRecord, SnapshotTrades } from './port.js';

/** A `hypotheses` entity checked into a `HypothesisRecord` (port.ts); the columns the record lacks are dropped. */
export const HypothesisRecordSchema = z.object({
  id: pgText,
  hash: pgText,
  market: z.enum(MARKET_IDS),
  family: pgText,
  definition: pgJsonObject<HypothesisDefinition>(),
  state: z.enum(HYPOTHESIS_STATES),
  version: pgInt,
  proposedSession: pgText,
  stateSince: pgTimestamp,
  stateSinceSession: pgText,
  evaluation: pgJson,
  dailySharpe: pgInt.nullable(),
  params: pgJsonObject<Record<string, unknown>>().nullable(),
  retiredReason: pgText.nullable(),
  lastAskedSession: pgText.nullable(),
  askAgainAfter: pgInt.nullable(),
});

/** A `hypothesis_transitions` entity checked into a record (bigint id and audit seq as numbers). */
export const TransitionRecordSchema = z.object({
  id: pgNumber,
  hypothesisId: pgText,
  fromState: pgText.nullable(),
  toState: pgText,
  event: pgText,
  actor: pgText,
  figures: pgJson,
  session: pgText,
  at: pgTimestamp,
  auditSeq: pgNumber.nullable(),
});

/** A `hypothesis_generator_runs` entity checked into a record. */
export const GeneratorRunRecordSchema = z.object({ session: pgText, proposed: pgInt, waiting: pgJson, at: pgTimestamp });

/** A `hypothesis_books` entity checked into a record. */
export const BookRecordSchema = z.object({
  hypothesisId: pgText,
  session: pgText,
  state: z.enum(['PAPER', 'LIVE']),
  version: pgInt,
  bookFrom: pgText,
  bookFromSource: z.enum(['state_since', 'transition_session']),
  sessions: pgInt,
  startEquity: pgInt,
  figures: pgJsonObject<HypothesisBookRecord['figures']>(),
  review: pgJson,
  equity: pgJsonObject<HypothesisBookRecord['equity']>(),
  trades: pgJsonObject<SnapshotTrades>(),
  closedR: pgJsonArray<number>(),
  demo: pgBool,
});

/** What an INSERT … RETURNING of one column gives back: one row per inserted row. */
export const ReturnedRowsSchema = z.array(z.object({}).passthrough());

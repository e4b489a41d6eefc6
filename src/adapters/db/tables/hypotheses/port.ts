/**
 * Typed repositories of hypotheses and their books: the plain one-table reads and writes the
 * use cases need, as methods (the use cases import this file's types only).
 *
 * The lifecycle's writes (a proposal with its transition row, a compare-and-set state change
 * with its transition row, the sweep's claim of unaudited rows, the version-guarded book
 * upsert) stay reviewed SQL in src/trading/hypotheses: their exact statements carry the invariants.
 */
import type { MarketId, HypothesisDefinition } from '../../../../engine/hypotheses/definition.js';
import type { LiveFigures } from '../../../../engine/hypotheses/live-review.js';
import type { PaperFigures } from '../../../../engine/hypotheses/paper-review.js';
import type { HypothesisState } from '../../../../engine/hypotheses/states.js';

/** A `hypotheses` row as the use cases read it (session dates as ISO calendar dates; figures not yet revived). */
export interface HypothesisRecord {
  /** Short id for chat and the CLI ("h" + the first hex digits of the hash). */
  id: string;
  /** SHA-256 (hex) of the definition's canonical string: the identity. */
  hash: string;
  market: MarketId;
  family: string;
  definition: HypothesisDefinition;
  state: HypothesisState;
  /** Moves with every state change; a button or job bound to an older one is refused. */
  version: number;
  proposedSession: string;
  stateSince: Date;
  stateSinceSession: string;
  /** The walk-forward evaluation (figures, verdict, DSR) once it finished (read from the table: ±Infinity as the strings figures-json.ts writes). */
  evaluation: unknown;
  /** Daily (non-annualised) Sharpe of the OOS returns: one trial of the market's deflated Sharpe. */
  dailySharpe: number | null;
  /** The parameters chosen on the latest training window: what PAPER and LIVE trade, fixed. */
  params: Record<string, unknown> | null;
  retiredReason: string | null;
  /** The session the Promote card was last sent (null = never). */
  lastAskedSession: string | null;
  /** After a Keep: ask again once this many sessions in PAPER have passed. */
  askAgainAfter: number | null;
}

/** A `hypothesis_transitions` row (`session` an ISO date; figures as stored). `fromState` is null for the proposal itself. */
export interface HypothesisTransitionRecord {
  id: number;
  hypothesisId: string;
  fromState: string | null;
  toState: string;
  event: string;
  actor: string;
  figures: unknown;
  session: string;
  at: Date;
  /** The audit chain's seq once the row is on it; null until the sweep puts it there. */
  auditSeq: number | null;
}

/** A `hypothesis_generator_runs` row: what the generator did for one (market, session). */
export interface GeneratorRunRecord {
  session: string;
  proposed: number;
  waiting: unknown;
  at: Date;
}

/** How the first session of a book was found (see src/trading/hypotheses/session-review-from.ts). */
export type BookFromSource = 'state_since' | 'transition_session';

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

/** A `hypothesis_books` row as the use cases read it (dates as ISO calendar dates; figures not yet revived). */
export interface HypothesisBookRecord {
  hypothesisId: string;
  session: string;
  state: 'PAPER' | 'LIVE';
  version: number;
  bookFrom: string;
  bookFromSource: BookFromSource;
  sessions: number;
  startEquity: number;
  figures: { paper: PaperFigures; live: LiveFigures | null };
  review: unknown;
  equity: { dates: string[]; values: number[] };
  trades: SnapshotTrades;
  closedR: number[];
  demo: boolean;
}

/**
 * Plain reads and writes of `hypotheses`, `hypothesis_transitions`,
 * `hypothesis_generator_runs` and `hypothesis_books`. Methods taking a
 * hypothesis id the user typed compare it as Postgres `lower(id)` (ids are
 * lower-case hex); the caller trims it.
 */
export interface HypothesesTables {
  /** One hypothesis by id (compared as `lower(id)`), or null. */
  hypothesis(id: string): Promise<HypothesisRecord | null>;
  /** Hypotheses, newest state change first (then by id), optionally of one market and/or state. */
  hypotheses(filter: { market?: MarketId; state?: HypothesisState }): Promise<HypothesisRecord[]>;
  /** Family and canonical string of every hypothesis of a market in any state, by id. */
  canonicalsOf(market: MarketId): Promise<{ family: string; canonical: string }[]>;
  /** Daily Sharpes of a market's hypotheses that have one, by id. */
  dailySharpesOf(market: MarketId): Promise<number[]>;
  /** The hash of the hypothesis with exactly this id, or null when the id is free. */
  hashOfId(id: string): Promise<string | null>;
  /** Transition rows of one hypothesis (id compared as `lower(id)`), oldest first. */
  transitionsOf(hypothesisId: string): Promise<HypothesisTransitionRecord[]>;
  /** Records the audit chain's seq of one transition row; returns how many rows changed (0 or 1). */
  setTransitionAuditSeq(transitionId: number, seq: number): Promise<number>;
  /** Inserts the (market, session) generator run with `proposed` 0 unless one exists; true when inserted. */
  claimGeneratorRun(market: MarketId, session: string): Promise<boolean>;
  /** Sets what the (market, session) run did, stamping `at` now; returns how many rows changed (0 or 1). */
  finishGeneratorRun(market: MarketId, session: string, proposed: number, waiting: unknown): Promise<number>;
  /** The generator run of a market with the latest session, or null. */
  lastGeneratorRun(market: MarketId): Promise<GeneratorRunRecord | null>;
  /** The book snapshot of one hypothesis (id compared as `lower(id)`) for one session, or null. */
  book(hypothesisId: string, session: string): Promise<HypothesisBookRecord | null>;
  /** The book snapshot of one hypothesis with the latest session, or null. */
  latestBook(hypothesisId: string): Promise<HypothesisBookRecord | null>;
  /** Every book snapshot of one hypothesis, oldest session first. */
  bookHistory(hypothesisId: string): Promise<HypothesisBookRecord[]>;
}

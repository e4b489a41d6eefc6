import type { SqlSession } from '../../adapters/db/port.js';
import type { ClosesSource } from './closes-source.js';
import type { RiskSettings } from './settings.js';
import type { OpenPosition } from './open-positions.js';

/** A new entry about to be reserved: what the portfolio gates judge. */
export interface EntryCandidate {
  symbol: string;
  strategy: string;
  /** Whole shares to buy. */
  qty: number;
  /** The order's limit price (the worst it can cost per share). */
  price: number;
  /** The pick's stop: (price − stop) × qty is the candidate's open risk. */
  stop: number;
  /** The market's account equity, read at this approval. */
  equity: number;
  /** The trading day (`YYYY-MM-DD`) the approval is judged on: no bar after it is read. */
  asOf: string;
}

/** What the portfolio gates read. */
export interface PortfolioRiskDeps {
  db: SqlSession;
  closes: ClosesSource;
  settings: RiskSettings;
}

/** The open book, read once per judged entry and shared by both gates. */
export interface PortfolioSnapshot {
  positions: readonly OpenPosition[];
}

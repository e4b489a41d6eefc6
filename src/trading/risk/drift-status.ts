import type { SqlSession } from '../../adapters/db/port.js';
import type { RiskSettings } from './settings.js';

/**
 * One sequential drift test: a strategy's or LIVE hypothesis's live closed trades (in R) against the
 * distribution its backtest or walk-forward out-of-sample produced.
 */
export interface DriftTestLine {
  kind: 'strategy' | 'hypothesis';
  /** The strategy id (`donchian`, `turtle_soup`) or the hypothesis source (`hyp:<id>`). */
  subject: string;
  /** Live closed trades the test has seen. */
  liveTrades: number;
  /** The test's statistic now, and the threshold that raises the alert. */
  statistic: number;
  threshold: number;
  /** `too_few`: not enough live trades or no reference distribution to judge. */
  state: 'in_band' | 'out_of_band' | 'too_few';
}

/** Execution drift of one market: fills against the card's limit, rolling median in basis points. */
export interface ExecutionDriftLine {
  market: string;
  fills: number;
  medianBps: number | null;
  alertBps: number;
  state: 'ok' | 'wide' | 'too_few';
}

/** What the drift tests say now (read by the weekly review and /status-like faces). */
export interface DriftStatus {
  tests: DriftTestLine[];
  execution: ExecutionDriftLine[];
  /** The stated false-alarm bound of the sequential test (probability per subject over its stated horizon). */
  falseAlarmBound: number;
}

/**
 * The drift tests' current answers, as of the New York session `asOf`. SCAFFOLD: the drift work
 * fills this in (the field names above stay; it may add fields).
 */
export async function driftStatus(_deps: { db: SqlSession; settings: RiskSettings }, _asOf: string): Promise<DriftStatus> {
  throw new Error('driftStatus is not built yet');
}

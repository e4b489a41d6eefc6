/**
 * The result of a hypothesis's one walk-forward evaluation (DESIGN section
 * 9), as plain data: numbers, strings and arrays only (no typed arrays), so
 * the trading layer can store it as JSON. The one exception is
 * `figures.profitFactor`, Infinity when nothing lost, as IncubationFigures
 * defines it.
 */
import type { IncubationFigures } from './incubation-verdict.js';

/** The daily (not annualised) figures the deflated Sharpe ratio reads. */
export interface DailyReturnFigures {
  /** T: the number of daily returns of the stitched out-of-sample equity (points − 1). */
  days: number;
  /** mean / sample sd of the daily returns (= the annualised Sharpe / √252); null when undefined (T < 2 or constant returns). */
  sharpe: number | null;
  /** γ₃ of the daily returns (moment ratio); null when undefined. */
  skewness: number | null;
  /** γ₄, non-excess (3 for a normal); null when undefined. */
  kurtosis: number | null;
}

/** One train/test window: what it chose and what that did out of sample. */
export interface EvaluationWindow {
  trainStart: string;
  trainEnd: string;
  testStart: string;
  testEnd: string;
  /** Index into the hypothesis's grid (the expanded points, in their order). */
  chosenIndex: number;
  /** Trades of the test window (out of sample). */
  testTrades: number;
  /** The test window's total return as a fraction. */
  testReturn: number;
}

/** The choice PAPER and LIVE trade: the grid scored on the last trainBars sessions of the data. */
export interface LatestWindow {
  trainStart: string;
  trainEnd: string;
  chosenIndex: number;
  /** Objective score of each grid point; null where undefined (no trades, flat equity). */
  trainScores: (number | null)[];
}

/** A hypothesis's walk-forward evaluation. */
export interface HypothesisEvaluation {
  /** Out-of-sample figures the incubation verdict checks. */
  figures: IncubationFigures;
  daily: DailyReturnFigures;
  /** Index into the grid of the parameters chosen on the latest training window. */
  chosenIndex: number;
  /** The latest training window (the last trainBars sessions) and its scores. */
  latestWindow: LatestWindow;
  /** The parameters chosen on the latest training window: what PAPER and LIVE trade. */
  chosenParams: Record<string, unknown>;
  windows: EvaluationWindow[];
  /** Stitched out-of-sample equity; each window starts from the previous one's final equity. */
  equity: { dates: string[]; values: number[] };
  /** First and last date of the data evaluated (the union calendar of the series). */
  firstDate: string;
  lastDate: string;
  /** Number of series (symbols) evaluated. */
  symbols: number;
}

import type { DriftReferenceSource } from './drift-sources.js';
import type { DriftTestLine, ExecutionDriftLine } from './drift-status.js';

/** The stated false-alarm figures of the test, carried with each alert so the message can state them. */
export interface DriftBound {
  /** P(false alarm) per subject over `horizon` in-distribution live trades. */
  falseAlarmBound: number;
  horizon: number;
  k: number;
}

/** A test line out of band, with every figure its message shows. */
export type BreachedTestLine = DriftTestLine & {
  state: 'out_of_band';
  reference: DriftReferenceSource;
  liveMeanR: number;
  referenceMeanR: number;
  referenceSdR: number;
  referenceTrades: number;
  firstBreachTrade: number | null;
};

/** A market whose fills are wide, with every figure its message shows. */
export type WideExecutionLine = ExecutionDriftLine & { state: 'wide'; medianBps: number; medianVsCloseBps: number | null };

/**
 * What the drift checks tell admins (issue 21, part 3), once per breach episode (see
 * migrations/1765300000012-DriftAlerts.ts). Figures only; src/bot/views/drift-view.ts words them.
 */
export type DriftNotice =
  /** A strategy's or LIVE hypothesis's live trades left the band of its reference distribution. */
  | { kind: 'drift.test-breach'; asOf: string; line: BreachedTestLine; bound: DriftBound }
  /** A market's rolling median slippage against the card widened past EXEC_SLIPPAGE_ALERT_BPS. */
  | { kind: 'drift.execution-wide'; asOf: string; line: WideExecutionLine; window: number };

import type { SeedingProgress } from './progress.js';

/**
 * A command that cannot start yet, as typed data: the default data is still
 * loading (`seeding`, with the measured progress and seconds left when known)
 * or none is stored (`no-data`). An expected condition, not a failure: the
 * command's "queued" message (`messageId`) becomes this answer. The kind is
 * `scan.not-ready` for both commands (one renderer); `command` says which
 * one asked, so the answer says what to send again.
 */
export interface ScanNotReadyNotice {
  kind: 'scan.not-ready';
  reason: 'seeding' | 'no-data';
  /** The command that could not start: `scan` when absent. */
  command?: 'scan' | 'backtest';
  messageId?: number;
  progress: SeedingProgress | null;
  secondsLeft: number | null;
}

/** What the data-loading state tells a chat. */
export type SeedingNotice = ScanNotReadyNotice;

import type { SeedingProgress } from './progress.js';

/**
 * A scan that cannot start yet, as typed data: the default data is still
 * loading (`seeding`, with the measured progress and seconds left when known)
 * or none is stored (`no-data`). An expected condition, not a failure: the
 * scan's "queued" message (`messageId`) becomes this answer.
 */
export interface ScanNotReadyNotice {
  kind: 'scan.not-ready';
  reason: 'seeding' | 'no-data';
  messageId?: number;
  progress: SeedingProgress | null;
  secondsLeft: number | null;
}

/** What the data-loading state tells a chat. */
export type SeedingNotice = ScanNotReadyNotice;

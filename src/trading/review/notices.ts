import type { WeeklyReview } from './types.js';

/** The weekly review as a chat notice: one per market and week, the same object to every recipient. */
export type ReviewNotice = { kind: 'review.weekly'; review: WeeklyReview };

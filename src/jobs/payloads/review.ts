import { z } from 'zod';
import { calendarDate } from '../../lib/dates.js';

import { REVIEW_MARKETS, type ReviewMarket } from '../../trading/review/market.js';

export { REVIEW_MARKETS, type ReviewMarket };

/**
 * Payload of `review.weekly`: the week of `market` whose last session is `sessionDate` (New York).
 * With `chatId`/`userId` it answers one chat (keyed by the job id) instead of every recipient.
 */
export const reviewWeeklySchema = z.object({
  market: z.enum(REVIEW_MARKETS).default('US'),
  sessionDate: calendarDate,
  chatId: z.number().int().optional(),
  userId: z.number().int().optional(),
});
export type ReviewWeeklyPayload = z.infer<typeof reviewWeeklySchema>;

/** The scheduled job's id: one per market and week (`review-weekly-us-2026-04-02`), so a re-enqueue is a no-op. */
export function reviewWeeklyJobId(market: ReviewMarket, sessionDate: string): string {
  return `review-weekly-${market.toLowerCase()}-${sessionDate}`;
}

/** The publish key of one recipient's copy: a retried job never posts it twice. */
export function reviewDeliveryKey(market: ReviewMarket, sessionDate: string, userId: number): string {
  return `${reviewWeeklyJobId(market, sessionDate)}-u${userId}`;
}

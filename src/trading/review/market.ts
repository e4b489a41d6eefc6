/** Markets a weekly review can be about: only the US (NYSE calendar) exists today. */
export const REVIEW_MARKETS = ['US'] as const;
export type ReviewMarket = (typeof REVIEW_MARKETS)[number];

import type { HypothesesOverview, HypothesisDetail } from './views.js';

/**
 * What the hypotheses' chat reads tell a chat, as typed data: published by
 * the `commands` queue's handlers and worded by src/bot/render/hypotheses.ts.
 */
export type HypothesesViewNotice =
  /** /hypotheses: counts per state per market, the top of each state, the generator's last run. */
  | { kind: 'hypotheses.overview'; overview: HypothesesOverview }
  /** /hypothesis ID: one hypothesis, or null for an id the store does not know (`asked` is what was typed). */
  | { kind: 'hypotheses.detail'; asked: string; detail: HypothesisDetail | null };

import type { MarketId } from '../../engine/hypotheses/definition.js';
import type { IncubationFigures } from '../../engine/hypotheses/incubation-verdict.js';
import type { PromoteCardData } from './promote-card.js';

/** The hypothesis a notice is about, as admins know it. */
export interface NoticeHypothesis {
  id: string;
  family: string;
  market: MarketId;
}

/**
 * What the hypotheses queue tells admins, as typed data (worded by
 * src/bot/render/hypotheses-incubation.ts): each state change it (or the
 * session review) made, with the figures that justified it, an incubation
 * that cannot run, and the Promote card of a qualifying PAPER hypothesis.
 */
export type IncubationNotice =
  /** Incubation moved it to PAPER or RETIRED. */
  | {
      kind: 'hypotheses.incubated';
      hypothesis: NoticeHypothesis;
      to: 'PAPER' | 'RETIRED';
      figures: IncubationFigures;
      dsr: number | null;
      /** Failed rules (RETIRED only). */
      reasons: string[];
      /** The figures come from synthetic (DEMO) bars. */
      demo: boolean;
      /** Id of the incubation's run manifest (`courtside backtest --replay` re-runs it); the notice shows its short hash. */
      manifest?: string;
    }
  /** The session review's rules moved it (PAPER → RETIRED, LIVE → PAPER), with the rules that fired. */
  | {
      kind: 'hypotheses.reviewed';
      hypothesis: NoticeHypothesis;
      from: 'PAPER' | 'LIVE';
      to: 'RETIRED' | 'PAPER';
      reasons: string[];
      sessions: number;
      demo: boolean;
    }
  /** Incubation could not run (a too-short universe, a market without data yet); the hypotheses stay INCUBATING. */
  | {
      kind: 'hypotheses.incubation-blocked';
      market: MarketId;
      reason: 'universe_too_short' | 'market_not_available';
      /** Trading days stored and days needed (universe_too_short). */
      days: number | null;
      needed: number | null;
      /** How many INCUBATING hypotheses wait. */
      waiting: number;
    }
  /**
   * A PAPER hypothesis qualifies: the Promote / Keep card (issue 14 item 5).
   * Both buttons carry the one confirm token `tokenId` (bound to the
   * hypothesis's version and, at a full LIVE cap, to the one it would demote).
   */
  | { kind: 'hypotheses.promote-card'; card: PromoteCardData; tokenId: string; expiresAtMs: number };

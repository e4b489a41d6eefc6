/**
 * The port through which scans see the LIVE hypotheses of a market (issue
 * 14, items 6 and 7): what to scan for (family, fixed parameters, exits) and
 * what sizes their picks (their shadow book's closed trades in R, for
 * half-Kelly, and the dollars in their open real positions, for the 40 %
 * cap). The app wires it from the hypothesis store and the shadow-book
 * snapshots; tests pass a fake.
 */
import type { HypothesisExits, MarketId } from '../../engine/hypotheses/definition.js';
import type { FamilyId } from '../../engine/patterns/types.js';

/** One LIVE hypothesis, as a scan needs it. */
export interface LiveHypothesis {
  /** Short id (e.g. `h1a2b3c4`); its picks' source is `hyp:<id>`. */
  id: string;
  family: FamilyId;
  /** The parameters chosen on its latest training window: fixed while LIVE. */
  params: Readonly<Record<string, unknown>>;
  exits: Readonly<HypothesisExits>;
  /** Its shadow book's closed trades as R multiples (pnl ÷ initial risk), oldest first: the half-Kelly estimate. */
  closedR: readonly number[];
  /** Dollars (market currency) in its open REAL positions now: the one-hypothesis 40 % cap. */
  openNotional: number;
}

/** The LIVE hypotheses of a market, now. */
export interface LiveHypothesisSource {
  live(market: MarketId): Promise<LiveHypothesis[]>;
}

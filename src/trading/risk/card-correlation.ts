import type { SqlSession } from '../../adapters/db/port.js';
import { cents, Correlator, judgeCorrelation, type CorrelationLimit } from '../../engine/risk/correlation.js';
import type { ClosesSource } from './closes-source.js';
import { closesToLoad, loadInFlightEntries, riskMembers } from './correlation-book.js';
import { loadOpenPositions } from './open-positions.js';
import type { RiskSettings } from './settings.js';

/** What a scan reads to put the correlation limit on its cards. */
export interface CardCorrelationDeps {
  db: SqlSession;
  closes: ClosesSource;
  settings: RiskSettings;
  /** The market's account equity now (the app falls back to the sizing equity when the broker cannot be read). */
  equity(): Promise<number>;
}

/**
 * What a pick card says about correlation (figures only; src/bot/views/pick-card.ts words it): the
 * open book it moves with and that cluster's open risk before and after the pick, the same scan's
 * other candidates it moves with, and the symbols whose correlation could not be measured. A pick
 * that moves with nothing and has nothing unmeasured gets no entry at all.
 */
export interface PickCorrelation {
  /** Open positions and in-flight entries of the pick's cluster, most correlated first, each with its correlation with the pick (below corrLimit or null: linked only through the others). */
  positions: { symbol: string; rho: number | null }[];
  /** Other candidates of this scan correlated with it at corrLimit or more (not in the cluster's risk: nothing is bought yet). */
  candidates: { symbol: string; rho: number }[];
  /** The cluster's open risk without the pick, the pick's risk (its card's `dollarRisk`) and their sum, in dollars (cents). */
  riskBefore: number;
  pickRisk: number;
  riskAfter: number;
  equity: number;
  /** riskAfter as a % of equity. */
  riskAfterPct: number;
  maxClusterRiskPct: number;
  corrLimit: number;
  /** riskAfter is over the cap: approving the pick would be refused by the correlation limit (unless the book changes). */
  overLimit: boolean;
  /** Symbols (the pick's own, or of the book) whose correlation with the pick could not be measured. */
  unmeasured: string[];
}

/** A top pick as the card correlation reads it. */
export interface CardPick {
  id: string;
  symbol: string;
  dollarRisk: number;
}

/**
 * Each pick's correlation figures as of the scan's session `asOf` (no bar after it), by pick id:
 * the same cluster rule as the correlation limit at approval (see correlation-gate.ts), judged
 * against the open positions and in-flight entries; plus the scan's other picks it moves with.
 */
export async function cardCorrelation(deps: CardCorrelationDeps, picks: readonly CardPick[], asOf: string): Promise<Record<string, PickCorrelation>> {
  if (picks.length === 0) return {};
  const [positions, inFlight] = await Promise.all([loadOpenPositions(deps.db), loadInFlightEntries(deps.db)]);
  const members = riskMembers(positions, inFlight);
  const { corrLookback: lookback, corrLimit, corrClusterRiskPct } = deps.settings;
  const symbols = [...new Set([...picks.map((p) => p.symbol), ...members.map((m) => m.symbol)])];
  const [series, equity] = await Promise.all([deps.closes(symbols, closesToLoad(lookback), asOf), members.length > 0 ? deps.equity() : Promise.resolve(Number.NaN)]);
  const corr = new Correlator(series, { lookback, asOf });
  const limit: CorrelationLimit = { corrLimit, maxClusterRiskPct: corrClusterRiskPct, equity };
  const out: Record<string, PickCorrelation> = {};
  for (const p of picks) {
    const v = judgeCorrelation(corr, { symbol: p.symbol, risk: p.dollarRisk }, members, limit);
    const candidates = picks
      .filter((o) => o.id !== p.id && o.symbol !== p.symbol)
      .map((o) => ({ symbol: o.symbol, rho: corr.pair(p.symbol, o.symbol).rho }))
      .filter((o): o is { symbol: string; rho: number } => o.rho !== null && o.rho >= corrLimit)
      .sort((a, b) => b.rho - a.rho || (a.symbol < b.symbol ? -1 : 1));
    const unmeasured = [...v.unmeasured, ...picks.filter((o) => o.symbol !== p.symbol && !v.unmeasured.includes(o.symbol) && corr.pair(p.symbol, o.symbol).rho === null).map((o) => o.symbol)];
    if (v.cluster.length === 0 && candidates.length === 0 && unmeasured.length === 0) continue;
    out[p.id] = {
      positions: v.cluster.map((c) => ({ symbol: c.symbol, rho: c.rho })),
      candidates,
      riskBefore: v.riskBefore,
      pickRisk: cents(p.dollarRisk),
      riskAfter: v.riskAfter,
      equity,
      riskAfterPct: v.riskAfterPct,
      maxClusterRiskPct: corrClusterRiskPct,
      corrLimit,
      overLimit: v.breaches,
      unmeasured: [...new Set(unmeasured)],
    };
  }
  return out;
}

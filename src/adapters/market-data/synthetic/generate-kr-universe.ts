/** The KR DEMO dataset: synthetic bars for the Korean ETF universe over KRX sessions. */
import type { BarSeries } from '../../../engine/bars.js';
import { XKRX_CALENDAR } from '../../../engine/calendar/exchange.js';
import type { KrUniverseEntry } from '../universe/kr-universe.js';
import { exchangeSessions } from './exchange-sessions.js';
import { generateKrSyntheticSeries, type KrSyntheticBarsInput } from './generate-kr-bars.js';
import { symbolSeed } from './seed.js';

/** Name of the stored KR DEMO dataset (`bar_seeds.name`), next to the US `default`. */
export const KR_DEMO_DATASET = 'demo-kr';

/** About ten years of KRX sessions (KRX holds ~245–250 a year), as many as the US DEMO history has. */
export const DEFAULT_KR_DEMO_SESSIONS = 2520;

/** What a KR DEMO series needs of a universe entry. */
export type KrDemoEntry = Pick<KrUniverseEntry, 'symbol' | 'leverage'>;

/** The last `count` KRX sessions up to `endDate` (a Seoul date), oldest first. */
export function krDemoSessions(endDate: string, count = DEFAULT_KR_DEMO_SESSIONS): string[] {
  return exchangeSessions(endDate, count, XKRX_CALENDAR);
}

/** Generator input for one KR universe entry (shared by the dataset builder, the provider and the seed). */
export function krDemoInputFor(e: KrDemoEntry, sessions: readonly string[], salt = 0): KrSyntheticBarsInput {
  return { symbol: e.symbol, sessions, leverage: e.leverage, seed: symbolSeed(e.symbol, salt) };
}

/** KR DEMO series for every entry over the same KRX sessions, keyed by code. */
export function generateKrDemoUniverse(entries: readonly KrDemoEntry[], sessions: readonly string[], opts: { salt?: number } = {}): Map<string, BarSeries> {
  const out = new Map<string, BarSeries>();
  for (const e of entries) out.set(e.symbol, generateKrSyntheticSeries(krDemoInputFor(e, sessions, opts.salt)));
  return out;
}

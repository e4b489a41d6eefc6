import type { Bar, BarSeries } from '../../../engine/bars.js';
import { nyToday } from '../../../engine/calendar/timezone.js';
import { DataProviderError } from '../errors.js';
import type { DateRange, MarketDataProvider } from '../port.js';
import type { UniverseEntry } from '../universe/load-universe.js';
import { checkRange, checkSymbol } from '../validate.js';
import { seriesRows } from './series-rows.js';
import { generateSyntheticSeries } from './generate-bars.js';
import { syntheticInputFor } from './generate-universe.js';
import { exchangeSessions } from './exchange-sessions.js';
import { marketOfSymbol } from '../../../engine/market/index.js';

/** About ten years of sessions. */
export const DEFAULT_SYNTHETIC_SESSIONS = 2520;

export interface SyntheticProviderOptions {
  /**
   * Symbols the demo knows, with their real ADV and average price. When
   * given, other symbols are `not_found`; when omitted, any valid symbol is
   * generated with a default ADV.
   */
  universe?: readonly Pick<UniverseEntry, 'symbol' | 'advDollar' | 'avgPrice'>[];
  /** Trading sessions to generate over; default the last 2520 NYSE sessions up to `endDate` ({@link exchangeSessions}). */
  sessions?: readonly string[];
  /** Last session when `sessions` is not given; default today in New York. */
  endDate?: string;
  /** Changes every symbol's path reproducibly; default 0. */
  salt?: number;
}

/**
 * Demo data: deterministic synthetic bars for a universe, so the bot can run
 * end to end without an API key. `demo` is true; results must be labelled as
 * made-up wherever they are shown.
 *
 * Each symbol's whole history is generated once over all sessions and then
 * sliced, so asking for different ranges never changes the bars of a date.
 * With the default `endDate` (today) the history is regenerated on a new
 * day, so pin `endDate` or `sessions` where repeatability across days matters.
 */
export class SyntheticProvider implements MarketDataProvider {
  readonly name = 'synthetic';
  readonly demo = true;
  readonly sessions: readonly string[];
  private readonly universe: Map<string, Pick<UniverseEntry, 'symbol' | 'advDollar' | 'avgPrice'>> | undefined;
  private readonly salt: number;
  private readonly cache = new Map<string, BarSeries>();

  constructor(opts: SyntheticProviderOptions = {}) {
    this.sessions = opts.sessions ?? exchangeSessions(opts.endDate ?? nyToday(new Date()), DEFAULT_SYNTHETIC_SESSIONS);
    this.universe = opts.universe ? new Map(opts.universe.map((e) => [e.symbol.toUpperCase(), e])) : undefined;
    this.salt = opts.salt ?? 0;
  }

  async dailyBars(symbol: string, range: DateRange): Promise<Bar[]> {
    checkRange(this.name, range);
    return seriesRows(this.series(symbol), range);
  }

  /** The whole generated history of one symbol in columnar form (cached). */
  series(symbol: string): BarSeries {
    const sym = checkSymbol(this.name, symbol).toUpperCase();
    const hit = this.cache.get(sym);
    if (hit) return hit;
    // A KRX code is never a US DEMO symbol, even without a universe: KR DEMO
    // bars (KRW, KRX sessions) come from KrSyntheticProvider.
    if (isKrxCode(sym)) {
      throw new DataProviderError({
        provider: this.name,
        kind: 'not_found',
        detail: `${sym} is a KRX code; the US DEMO data has US symbols only`,
        hint: 'ask the KR DEMO provider (synthetic-kr) for Korean ETFs',
      });
    }
    const entry = this.universe ? this.universe.get(sym) : { symbol: sym };
    if (!entry) {
      throw new DataProviderError({
        provider: this.name,
        kind: 'not_found',
        detail: `${sym} is not in the demo universe`,
        hint: 'pick a symbol from the universe list, or configure a real data provider',
      });
    }
    const s = generateSyntheticSeries(syntheticInputFor({ ...entry, symbol: sym }, this.sessions, this.salt));
    this.cache.set(sym, s);
    return s;
  }
}

function isKrxCode(symbol: string): boolean {
  try {
    return marketOfSymbol(symbol) === 'KR';
  } catch {
    return false;
  }
}

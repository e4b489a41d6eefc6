import type { Bar, BarSeries } from '../../../engine/bars.js';
import { krxToday } from '../../../engine/calendar/krx/index.js';
import { MARKETS, parseSymbol, type MarketCurrency } from '../../../engine/market/index.js';
import { DataProviderError } from '../errors.js';
import type { DateRange, MarketDataProvider } from '../port.js';
import { loadKrEtfUniverse } from '../universe/kr-universe.js';
import { checkRange, checkSymbol } from '../validate.js';
import { seriesRows } from './series-rows.js';
import { generateKrSyntheticSeries } from './generate-kr-bars.js';
import { krDemoInputFor, krDemoSessions, type KrDemoEntry } from './generate-kr-universe.js';

export interface KrSyntheticProviderOptions {
  /** The ETFs the demo knows; default the bundled 61 (`data/universe/kr_etf_seed.csv`). Others are `not_found`. */
  universe?: readonly KrDemoEntry[];
  /** KRX sessions to generate over; default the last 2520 up to `endDate` ({@link krDemoSessions}). */
  sessions?: readonly string[];
  /** Last session when `sessions` is not given; default today in Seoul. */
  endDate?: string;
  /** Changes every symbol's path reproducibly; default 0. */
  salt?: number;
}

/**
 * KR DEMO data: deterministic synthetic daily bars for Korean ETFs on KRX
 * sessions, prices in whole KRW. `demo` is true: made-up data, to be labelled
 * so wherever shown. Only KRX codes of its universe are served; a US symbol is
 * `not_found` (the US DEMO universe is `SyntheticProvider`'s).
 *
 * As with the US provider, each history is generated whole once and sliced,
 * so a date's bar never depends on the range asked for.
 */
export class KrSyntheticProvider implements MarketDataProvider {
  readonly name = 'synthetic-kr';
  readonly demo = true;
  readonly market = 'KR' as const;
  readonly currency: MarketCurrency = MARKETS.KR.currency;
  readonly sessions: readonly string[];
  private readonly universe: Map<string, KrDemoEntry>;
  private readonly salt: number;
  private readonly cache = new Map<string, BarSeries>();

  constructor(opts: KrSyntheticProviderOptions = {}) {
    this.sessions = opts.sessions ?? krDemoSessions(opts.endDate ?? krxToday(new Date()));
    this.universe = new Map((opts.universe ?? loadKrEtfUniverse()).map((e) => [e.symbol, e]));
    this.salt = opts.salt ?? 0;
  }

  async dailyBars(symbol: string, range: DateRange): Promise<Bar[]> {
    checkRange(this.name, range);
    return seriesRows(this.series(symbol), range);
  }

  /** The whole generated history of one ETF in columnar form (cached). */
  series(symbol: string): BarSeries {
    const sym = checkSymbol(this.name, symbol).toUpperCase();
    const hit = this.cache.get(sym);
    if (hit) return hit;
    const entry = this.universe.get(sym);
    if (!entry) {
      const us = isUsSymbol(sym);
      throw new DataProviderError({
        provider: this.name,
        kind: 'not_found',
        detail: us ? `${sym} is a US symbol; the KR DEMO data has Korean ETFs only` : `${sym} is not in the KR DEMO universe`,
        hint: us ? 'ask the US DEMO provider (synthetic) for US symbols' : 'pick a six-digit code from data/universe/kr_etf_seed.csv, or configure a real data provider',
      });
    }
    const s = generateKrSyntheticSeries(krDemoInputFor(entry, this.sessions, this.salt));
    this.cache.set(sym, s);
    return s;
  }
}

function isUsSymbol(symbol: string): boolean {
  try {
    return parseSymbol(symbol).market === 'US';
  } catch {
    return false;
  }
}

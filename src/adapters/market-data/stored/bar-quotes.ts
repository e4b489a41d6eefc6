import { roundToTick } from '../../../engine/tick.js';
import { isKrxCode } from '../../../engine/market/symbols.js';
import { roundToMarketTick } from '../../../engine/market/ticks.js';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { TypeOrmUnitOfWork } from '../../db/unit-of-work.js';
import { pgInt, pgText } from '../../../lib/sql-columns.js';
import { rowsOf } from '../../../lib/sql-rows.js';
import { DataProviderError } from '../errors.js';
import type { Quote, QuoteProvider } from '../port.js';

/** Each symbol's latest stored bar (symbols without bars are absent). */
const LATEST_BARS_SQL = `SELECT s.symbol, to_char(b.date, 'YYYY-MM-DD') AS date, b.close, b.volume
   FROM unnest($1::text[]) AS s(symbol)
   CROSS JOIN LATERAL (SELECT date, close, volume FROM bars_daily WHERE symbol = s.symbol ORDER BY date DESC LIMIT 1) b`;
/** close and volume are float8: numbers from the driver. */
const LatestBarRow = z.object({ symbol: pgText, date: pgText, close: pgInt, volume: pgInt });

/**
 * Quotes derived from the latest stored daily bar: bid and ask sit half the
 * assumed spread either side of the last close. This is what the paper broker
 * trades against when no live quote feed is configured (local mode, demo
 * data) — good enough to exercise every gate and the fill path, and labelled
 * with the bar's date so nobody mistakes it for a live price.
 */
export class StoredBarQuotes implements QuoteProvider {
  readonly name = 'stored-bars';
  private readonly db: TypeOrmUnitOfWork;

  constructor(
    ds: DataSource,
    private readonly spreadBps: number,
  ) {
    this.db = new TypeOrmUnitOfWork(ds);
  }

  async latestQuote(symbol: string): Promise<Quote> {
    const sym = symbol.toUpperCase();
    const quote = (await this.latestQuotes([sym])).get(sym);
    if (!quote) {
      throw new DataProviderError({ provider: this.name, kind: 'not_found', detail: `no stored bars for ${sym}`, hint: 'import or seed bars for this symbol, or configure a live quote source' });
    }
    return quote;
  }

  async latestQuotes(symbols: string[]): Promise<Map<string, Quote>> {
    const syms = [...new Set(symbols.map((s) => s.toUpperCase()))];
    const rows = await rowsOf(this.db, LatestBarRow, LATEST_BARS_SQL, [syms]);
    return new Map(rows.map((bar) => [bar.symbol, this.toQuote(bar)]));
  }

  private toQuote(bar: z.output<typeof LatestBarRow>): Quote {
    const half = (bar.close * this.spreadBps) / 20_000;
    // A tenth of the day's volume at the touch: enough depth for small retail orders, finite for big ones.
    const size = Math.max(1, Math.floor(bar.volume / 10));
    if (isKrxCode(bar.symbol)) {
      // A KRX ETF quotes on its won grid of that day (bid down, ask up), as of the 15:30 KST close
      // (06:30Z): a cent-grid ask would put the KR entry limit, rounded down to the tick, below it.
      const on = (price: number, mode: 'down' | 'up') => roundToMarketTick({ market: 'KR', instrument: 'etf', date: bar.date, price }, mode);
      return { symbol: bar.symbol, bid: on(bar.close - half, 'down'), ask: on(bar.close + half, 'up'), bidSize: size, askSize: size, time: `${bar.date}T06:30:00Z` };
    }
    return { symbol: bar.symbol, bid: roundToTick(bar.close - half, 'down'), ask: roundToTick(bar.close + half, 'up'), bidSize: size, askSize: size, time: `${bar.date}T20:00:00Z` };
  }
}


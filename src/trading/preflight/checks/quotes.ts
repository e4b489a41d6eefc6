import type { PreflightCheck } from '../types.js';

/** What the quotes check reads: the quote source execution re-prices with (the same one the order path uses). */
export interface QuotesCheckDeps {
  /** `alpaca` (Alpaca's market data API) or `stored-bars` (the latest stored bar: local mode, no keys). */
  source: string;
  /** The symbol to ask for: one the order path would re-price (see the app's choice). */
  symbol(): Promise<string>;
  /** The latest quote; null when the source answered but holds none for the symbol (keys and reachability are then proven). */
  latestQuote(symbol: string): Promise<{ bid: number; ask: number; time: string } | null>;
  /** The configured broker trades real money or a real paper account (stored-bar quotes are then not enough). */
  brokerIsAlpaca: boolean;
}

/**
 * The quotes API (Kobe's preflight "quotes API"): every approval is re-priced
 * from a fresh quote right before the order, so a source that refuses the
 * keys or does not answer fails every entry. ✓ with the quote seen; ✗ when
 * it cannot be read; ⚠ when an Alpaca broker would trade on stored-bar quotes.
 */
export function quotesCheck(deps: QuotesCheckDeps): PreflightCheck {
  return {
    id: 'quotes',
    title: `Quotes (${deps.source})`,
    fixOnError:
      deps.source === 'alpaca'
        ? "Alpaca's market data API did not answer: check APCA_API_KEY_ID/APCA_API_SECRET_KEY and ALPACA_DATA_URL (data.alpaca.markets), and that the account has market data."
        : 'The latest stored bar could not be read: check Postgres and `courtside data status`.',
    run: async () => {
      const symbol = await deps.symbol();
      const q = await deps.latestQuote(symbol);
      if (q === null) {
        return { level: 'warn', saw: `${deps.source} answered but holds no quote for ${symbol}`, fix: `Check that ${symbol} trades and is in your data feed's coverage; approvals of symbols without a quote are refused as "no quote".` };
      }
      const saw = `${symbol} bid ${q.bid} / ask ${q.ask} at ${q.time}`;
      if (!(q.ask > 0) || !(q.bid > 0) || q.bid > q.ask) {
        return { level: 'fail', saw: `${saw}: not a usable quote`, fix: `The ${deps.source} quote for ${symbol} is not usable; check the data feed (an approval would be refused as "no quote").` };
      }
      if (deps.source !== 'alpaca' && deps.brokerIsAlpaca) {
        return { level: 'warn', saw: `${saw} (from the stored bars, not live)`, fix: 'Set APCA_API_KEY_ID/APCA_API_SECRET_KEY so approvals are re-priced from live Alpaca quotes.' };
      }
      return { level: 'pass', saw: deps.source === 'alpaca' ? saw : `${saw} (from the stored bars, not live)` };
    },
  };
}

import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { AlpacaBroker, ALPACA_LIVE_URL, ALPACA_PAPER_URL } from '../adapters/brokers/alpaca/alpaca-broker.js';
import { PaperBroker } from '../adapters/brokers/paper/paper-broker.js';
import type { Broker } from '../adapters/brokers/port.js';
import type { Config } from './config/config.js';
import { AlpacaDataProvider } from '../adapters/market-data/alpaca/alpaca-data-provider.js';
import type { QuoteProvider } from '../adapters/market-data/port.js';
import { StoredBarQuotes } from '../adapters/market-data/stored/bar-quotes.js';

/** The broker orders go to and the quotes execution re-prices with, as configured. */
export interface TradingDeps {
  broker: Broker;
  quotes: QuoteProvider;
  /** Where quotes come from, for messages ("quotes: stored bars" says they are not live). */
  quoteSource: 'alpaca' | 'stored-bars';
}

/**
 * Builds the configured broker. BROKER=paper (default) trades in Postgres
 * against Alpaca quotes when keys are set, otherwise against the latest stored
 * bar (local mode and demo data). Alpaca paper/live use the REST v2 adapter.
 */
export function createTradingDeps(config: Config, ds: DataSource, logger: Logger): TradingDeps {
  const alpaca = config.broker.alpaca;
  const quotes: QuoteProvider = alpaca
    ? new AlpacaDataProvider({ keyId: alpaca.keyId, secretKey: alpaca.secretKey, ...(alpaca.dataUrl ? { baseUrl: alpaca.dataUrl } : {}), logger })
    : new StoredBarQuotes(ds, config.broker.paper.spreadBps);
  const quoteSource = alpaca ? 'alpaca' : 'stored-bars';
  if (config.broker.kind === 'paper') {
    const paper = config.broker.paper;
    const broker = new PaperBroker({
      ds,
      quoteSource: (s) => quotes.latestQuote(s),
      ...(quotes.latestQuotes ? { quotesSource: (syms: string[]) => quotes.latestQuotes!(syms) } : {}),
      slippageBps: paper.slippageBps,
      startingCash: paper.startingCash,
      logger,
    });
    return { broker, quotes, quoteSource };
  }
  if (!alpaca) throw new Error(`BROKER=${config.broker.kind} needs APCA_API_KEY_ID and APCA_API_SECRET_KEY`);
  const baseUrl = alpaca.tradingUrl ?? (config.broker.kind === 'alpaca-live' ? ALPACA_LIVE_URL : ALPACA_PAPER_URL);
  const broker = new AlpacaBroker({ keyId: alpaca.keyId, secretKey: alpaca.secretKey, baseUrl, name: config.broker.kind, logger });
  return { broker, quotes, quoteSource };
}

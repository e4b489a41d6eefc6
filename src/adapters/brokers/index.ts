export * from './port.js';
export * from './errors.js';
export * from '../../engine/tick.js';
export { PaperBroker, quoteSourceFrom, type PaperBrokerOptions, type PaperQuote, type QuoteSource, type QuotesSource } from './paper/paper-broker.js';
export { AlpacaBroker, ALPACA_LIVE_URL, ALPACA_PAPER_URL, type AlpacaBrokerOptions } from './alpaca/alpaca-broker.js';
export { ALPACA_ORDER_STATUSES, mapAlpacaStatus, type AlpacaOrderStatus } from './alpaca/status.js';

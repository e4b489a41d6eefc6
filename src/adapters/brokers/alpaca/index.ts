export { AlpacaBroker, ALPACA_LIVE_URL, ALPACA_PAPER_URL, type AlpacaBrokerOptions } from './alpaca-broker.js';
export { ALPACA_ORDER_STATUSES, mapAlpacaStatus, type AlpacaOrderStatus } from './status.js';
export { iocLimitPriceFromAsk, roundToTick, formatPrice, tickSize } from '../../../engine/tick.js';

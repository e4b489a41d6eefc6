/** Data quality against the exchange calendar (pure): missing sessions, staleness, look-back windows. */
export * from './gaps.js';
export * from './lookback.js';

import type { AppContext } from './context.js';
import type { BrokerCheckDeps } from '../trading/preflight/broker-checks.js';
import { marketHoursFor } from '../engine/market-hours.js';
import { ALPACA_LIVE_URL, ALPACA_PAPER_URL } from '../adapters/brokers/alpaca/alpaca-broker.js';
import { createTradingDeps } from './trading-deps.js';

/**
 * The broker checks' deps, wired from the app: the configured broker (built
 * only when a check runs, sharing the key's request budget and clock cache in
 * Redis like every other process), EXEC_PER_ORDER_BUDGET and our hours as the
 * order path uses them.
 */
export function brokerCheckDepsFor(app: AppContext): BrokerCheckDeps {
  const { config } = app;
  const kind = config.broker.kind;
  const base = { kind, perOrderBudget: config.execution.perOrderBudget, hours: marketHoursFor(config), now: () => Date.now() };
  if (kind === 'paper') return { ...base, baseUrl: null, broker: null };
  const baseUrl = config.broker.alpaca?.tradingUrl ?? (kind === 'alpaca-live' ? ALPACA_LIVE_URL : ALPACA_PAPER_URL);
  return {
    ...base,
    baseUrl,
    broker: () => createTradingDeps(config, app.ds, app.log.child({ component: 'preflight-broker' }), { redis: app.redis, prefix: config.redis.prefix }).broker,
  };
}

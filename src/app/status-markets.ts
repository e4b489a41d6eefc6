import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Broker } from '../adapters/brokers/port.js';
import type { MarketStatusSource } from '../trading/status/markets.js';
import type { StatusSources } from '../trading/status/status.js';
import type { Config } from './config/config.js';
import { createKrTradingDeps, type KisConnection } from './kr-trading-deps.js';
import { createKrTrading } from './trading-deps.js';

/** What the market sources are built from: the process's database, logger, shared Redis and scrubber. */
export interface StatusMarketsDeps {
  config: Config;
  ds: DataSource;
  log: Logger;
  shared: { redis: Redis; prefix: string };
  scrub: (text: string) => string;
}

/**
 * /status's per-market sources (issue 15): US with BROKER (its account is the
 * status broker line's read, not read twice) and KR with BROKER_KR. For kis-*
 * the KR account is read through createKrTrading, and the token's expiry and
 * the last good / failed KIS call (recorded by every process) from the KIS
 * connection, both built on first use (a process that never answers
 * /status opens no KIS client) and sharing the process's one KIS connection
 * (one token, one request rate). The paper books keep no account to reach.
 */
export function statusMarkets(d: StatusMarketsDeps): NonNullable<StatusSources['markets']> {
  const us: MarketStatusSource = { market: 'US', broker: { name: d.config.broker.kind } };
  const kind = d.config.kr.broker;
  if (kind === 'paper') return { markets: [us, { market: 'KR', broker: { name: kind } }] };
  const log = d.log.child({ component: 'status-broker', market: 'KR' });
  let broker: Broker | null = null;
  let connection: KisConnection | null = null;
  const kisConnection = () => (connection ??= createKrTradingDeps(d.config, d.ds, log, d.shared)?.connection ?? null);
  const kr: MarketStatusSource = {
    market: 'KR',
    broker: {
      name: kind,
      account: { read: () => (broker ??= createKrTrading(d.config, d.ds, log, d.shared).broker).account(), scrub: d.scrub },
      tokenExpiry: async () => {
        const c = kisConnection();
        if (c === null) return null;
        return (await c.tokens.read())?.expiresAt ?? null;
      },
      calls: async () => {
        const c = kisConnection();
        return c === null ? { lastGood: null, lastFailure: null } : c.calls.read();
      },
    },
  };
  return { markets: [us, kr] };
}

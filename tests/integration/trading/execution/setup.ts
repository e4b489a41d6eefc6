import { ALWAYS_OPEN } from '../../../../src/engine/market-hours.js';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { PaperBroker, type PaperQuote } from '../../../../src/adapters/brokers/paper/paper-broker.js';
import type { Broker } from '../../../../src/adapters/brokers/port.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { UnitOfWork } from '../../../../src/adapters/db/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { RedisKillSwitchMirror } from '../../../../src/adapters/redis/kill-switch-mirror.js';
import type { ExecutionDeps } from '../../../../src/trading/execution/execute.js';
import type { Quote, QuoteProvider } from '../../../../src/adapters/market-data/port.js';
import { KillSwitch } from '../../../../src/trading/kill-switch/kill-switch.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { createTestDatabase } from '../../../helpers/pg.js';

/** One test's world: a fresh migrated database, Redis prefix, quotes. */
export interface World {
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  ds: DataSource;
  /** A DataSource (default `ds`) as the use cases take it: one unit of work per DataSource. */
  uow(ds?: DataSource): UnitOfWork;
  redis: Redis;
  prefix: string;
  audit: AuditLog;
  killSwitch: KillSwitch;
  quotes: Map<string, PaperQuote>;
  quoteProvider: QuoteProvider;
  extra: DataSource[];
  /** A second DataSource on the same database (another worker, or the process after a restart). */
  open(poolSize?: number): Promise<DataSource>;
  paper(ds?: DataSource, startingCash?: number): PaperBroker;
  deps(over?: Partial<ExecutionDeps>): ExecutionDeps;
  pick(p?: { symbol?: string; entry?: number; stop?: number; qty?: number; expiresAt?: Date; strategy?: string }): Promise<string>;
  count(sql: string, params?: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export async function makeWorld(): Promise<World> {
  const db = await createTestDatabase();
  const extra: DataSource[] = [];
  const open = async (poolSize = 20) => {
    const d = createDataSource(db.url, { poolSize });
    await d.initialize();
    extra.push(d);
    return d;
  };
  const ds = await open();
  await ds.query(
    `INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ('run-1', 1, 1, '2025-01-02', '{donchian}', 'done', 3, false)`,
  );

  const prefix = uniquePrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const uows = new Map<DataSource, UnitOfWork>();
  const uow = (d: DataSource = ds): UnitOfWork => {
    let u = uows.get(d);
    if (!u) uows.set(d, (u = new TypeOrmUnitOfWork(d)));
    return u;
  };
  const audit = new AuditLog(uow(ds));
  const killSwitch = new KillSwitch(uow(ds), new RedisKillSwitchMirror(redis, `${prefix}:killswitch`), audit);
  const quotes = new Map<string, PaperQuote>([
    ['ABC', { bid: 9.99, ask: 10, bidSize: 10_000, askSize: 10_000, time: '2025-01-02T15:00:00Z' }],
    ['XYZ', { bid: 9.99, ask: 10, bidSize: 10_000, askSize: 10_000, time: '2025-01-02T15:00:00Z' }],
  ]);
  const quoteProvider: QuoteProvider = {
    async latestQuote(symbol: string): Promise<Quote> {
      const q = quotes.get(symbol);
      if (!q) throw new Error(`no quote for ${symbol}`);
      return { symbol, bid: q.bid, ask: q.ask, bidSize: q.bidSize ?? 0, askSize: q.askSize ?? 0, time: q.time };
    },
  };
  const paper = (on: DataSource = ds, startingCash = 100_000) =>
    new PaperBroker({ ds: on, quoteSource: async (s) => quoteProvider.latestQuote(s), startingCash, pollMs: 10, marketHours: ALWAYS_OPEN });
  let seq = 0;

  return {
    db,
    ds,
    uow,
    redis,
    prefix,
    audit,
    killSwitch,
    quotes,
    quoteProvider,
    extra,
    open,
    paper,
    deps: (over = {}) => ({
      db: uow(ds),
      broker: paper(),
      quotes: quoteProvider,
      killSwitch,
      audit,
      dollarAdv: async () => 5_000_000,
      waitTimeoutMs: 2_000,
      ...over,
    }),
    async pick(p = {}) {
      seq++;
      const id = `p${seq}${randomUUID().slice(0, 6)}`;
      await ds.query(
        `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at)
         VALUES ($1, 'run-1', $2, $3, $4, $5, $6, NULL, 0.5, 1, $7, 10, '[]', false, $8)`,
        [id, `2025-01-${String(seq).padStart(2, '0')}`, p.symbol ?? 'ABC', p.strategy ?? 'donchian', p.entry ?? 10, p.stop ?? 9, p.qty ?? 50, p.expiresAt ?? new Date(Date.now() + 3_600_000)],
      );
      return id;
    },
    async count(sql, params = []) {
      const r = (await ds.query(sql, params)) as { n: number }[];
      return Number(r[0]!.n);
    },
    async close() {
      for (const d of extra.splice(0)) if (d.isInitialized) await d.destroy();
      await cleanRedis(prefix);
      redis.disconnect();
      await db.drop();
    },
  };
}

/** A broker that behaves like `inner` except where overridden. */
export function wrapBroker(inner: Broker, over: Partial<Broker>): Broker {
  return {
    name: inner.name,
    submitOrder: over.submitOrder ?? ((r) => inner.submitOrder(r)),
    getOrderByClientId: over.getOrderByClientId ?? ((c) => inner.getOrderByClientId(c)),
    // An overridden lookup by client id is also how the order is found after an unknown outcome.
    findSubmitted: over.findSubmitted ?? (over.getOrderByClientId ? (ref) => over.getOrderByClientId!(ref.clientOrderId) : (ref) => inner.findSubmitted(ref)),
    getOrder: (id) => inner.getOrder(id),
    waitForTerminal: over.waitForTerminal ?? ((c, o) => inner.waitForTerminal(c, o)),
    listOpenOrders: () => inner.listOpenOrders(),
    cancelAllOrders: () => inner.cancelAllOrders(),
    listPositions: () => inner.listPositions(),
    closeAllPositions: () => inner.closeAllPositions(),
    account: over.account ?? (() => inner.account()),
  };
}

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { KillSwitch } from '../../../../src/trading/kill-switch/kill-switch.js';
import type { UnitOfWork } from '../../../../src/adapters/db/port.js';
import type { RaisedAlertDetail } from '../../../../src/trading/alerts/details.js';
import type { RecordedReason } from '../../../../src/trading/execution/recorded-reasons.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { RedisKillSwitchMirror } from '../../../../src/adapters/redis/kill-switch-mirror.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { createTestDatabase } from '../../../helpers/pg.js';

/** One test's database, Redis prefix, kill switch and seeding helpers. */
export interface DigestWorld {
  ds: DataSource;
  /** The use cases' port over `ds`. */
  db: UnitOfWork;
  redis: Redis;
  prefix: string;
  audit: AuditLog;
  killSwitch: KillSwitch;
  run(sql: string, params?: unknown[]): Promise<unknown>;
  pick(p: { symbol: string; strategy?: string; state?: string; qty?: number; entry?: number; expiresAt: Date; sessionDate?: string; score?: number }): Promise<string>;
  /** `reason` is recorded as the execution records it (`reason_detail`). */
  approval(pickId: string, p: { state: string; expiresAt: Date; updatedAt?: Date; reason?: RecordedReason; refusedGate?: string }): Promise<string>;
  order(o: {
    symbol: string;
    side: 'buy' | 'sell';
    qty: number;
    kind?: 'entry' | 'exit';
    exitReason?: 'stop' | 'time_stop' | 'flatten';
    decisionPrice?: number | null;
    avgFillPrice?: number | null;
    realizedPnl?: number | null;
    state?: string;
    /** The broker's own words (`reject_reason`). */
    rejectReason?: string;
    /** The recorded reason (`reject_detail`). */
    rejectDetail?: RecordedReason;
    at: Date;
    strategy?: string;
    /** One fill at avgFillPrice × qty at `at` unless false. */
    fill?: boolean;
    /** Shares filled (default: none for a rejected, canceled or expired order, else all). */
    filledQty?: number;
    approvalId?: string;
  }): Promise<string>;
  /** `lastPriceSource`: `close`, `broker:<name>`, or absent (recorded before sources were kept). */
  position(p: { symbol: string; strategy?: string; qty: number; avgCost: number; lastPrice?: number | null; lastPriceAt?: Date | null; lastPriceSource?: string | null; stop?: number | null }): Promise<void>;
  /** `priceSource` / `priceAt`: where the mark's price came from and when (absent: recorded before sources were kept). */
  mark(date: string, p: { symbol: string; strategy?: string; qty: number; avgCost: number; price: number; priceSource?: string | null; priceAt?: Date | null }): Promise<void>;
  equity(date: string, equity: number, benchmarkClose: number | null, unrealized?: number): Promise<void>;
  bar(symbol: string, date: string, close: number, source?: string): Promise<void>;
  alert(a: { key: string; kind: string; severity: string; detail: RaisedAlertDetail; state: 'open' | 'resolved'; firstAt: Date; lastAt: Date; resolvedAt?: Date | null; count?: number }): Promise<void>;
  close(): Promise<void>;
}

export async function makeDigestWorld(): Promise<DigestWorld> {
  const db = await createTestDatabase();
  const ds = createDataSource(db.url, { poolSize: 5 });
  await ds.initialize();
  await ds.query(
    `INSERT INTO scan_runs (id, requested_by, chat_id, as_of, strategies, status, symbols, demo) VALUES ('run-1', 1, 1, '2026-11-19', '{donchian}', 'done', 3, false)`,
  );
  const prefix = uniquePrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const uow = new TypeOrmUnitOfWork(ds);
  const audit = new AuditLog(uow);
  const killSwitch = new KillSwitch(uow, new RedisKillSwitchMirror(redis, `${prefix}:killswitch`), audit);
  let seq = 0;
  const run = (sql: string, params: unknown[] = []) => ds.query(sql, params) as Promise<unknown>;
  const world: DigestWorld = {
    ds,
    db: uow,
    redis,
    prefix,
    audit,
    killSwitch,
    run,
    async pick(p) {
      seq++;
      const id = `p${seq}${randomUUID().slice(0, 6)}`;
      await run(
        `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, state, expires_at)
         VALUES ($1, 'run-1', $2, $3, $4, $5, $6, NULL, 0.5, $7, $8, 10, '[]', false, $9, $10)`,
        [id, p.sessionDate ?? `2026-10-${String(seq).padStart(2, '0')}`, p.symbol, p.strategy ?? 'donchian', p.entry ?? 10, (p.entry ?? 10) * 0.9, p.score ?? 1, p.qty ?? 50, p.state ?? 'PENDING', p.expiresAt],
      );
      return id;
    },
    async approval(pickId, p) {
      const id = randomUUID();
      await run(
        `INSERT INTO approvals (id, pick_id, approved_by, approved_at, expires_at, state, refused_gate, reason_detail, updated_at) VALUES ($1, $2, 1, $3, $4, $5, $6, $7::jsonb, $8)`,
        [
          id,
          pickId,
          p.updatedAt ?? new Date(p.expiresAt.getTime() - 900_000),
          p.expiresAt,
          p.state,
          p.refusedGate ?? null,
          p.reason ? JSON.stringify(p.reason) : null,
          p.updatedAt ?? new Date(p.expiresAt.getTime() - 900_000),
        ],
      );
      return id;
    },
    async order(o) {
      const id = randomUUID();
      const kind = o.kind ?? 'entry';
      let approvalId = o.approvalId ?? null;
      if (kind === 'entry' && !approvalId) {
        const pickId = await world.pick({ symbol: o.symbol, state: 'EXECUTED', expiresAt: o.at });
        approvalId = await world.approval(pickId, { state: o.state === 'rejected' ? 'refused' : 'filled', expiresAt: o.at, updatedAt: o.at });
      }
      const filled = o.filledQty ?? (o.state === 'rejected' || o.state === 'canceled' || o.state === 'expired' ? 0 : o.qty);
      await run(
        `INSERT INTO orders (id, approval_id, kind, exit_reason, decision_price, realized_pnl, client_order_id, broker, symbol, strategy, side, qty, limit_price, time_in_force,
                             state, filled_qty, avg_fill_price, reject_reason, reject_detail, budget_date, reserved_amount, booked_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'paper', $8, $9, $10, $11, $12, 'ioc', $13, $14, $15, $16, $18::jsonb, ($17::timestamptz AT TIME ZONE 'America/New_York')::date, 0, $17, $17, $17)`,
        [
          id,
          approvalId,
          kind,
          o.exitReason ?? null,
          o.decisionPrice ?? null,
          o.realizedPnl ?? null,
          `cs-${id}`,
          o.symbol,
          o.strategy ?? 'donchian',
          o.side,
          o.qty,
          o.avgFillPrice ?? o.decisionPrice ?? 10,
          o.state ?? 'filled',
          filled,
          filled > 0 ? (o.avgFillPrice ?? null) : null,
          o.rejectReason ?? null,
          o.at,
          o.rejectDetail ? JSON.stringify(o.rejectDetail) : null,
        ],
      );
      if (filled > 0 && o.fill !== false && o.avgFillPrice != null) {
        await run(`INSERT INTO fills (order_id, symbol, side, qty, price, filled_at, seq) VALUES ($1, $2, $3, $4, $5, $6, 0)`, [id, o.symbol, o.side, filled, o.avgFillPrice, o.at]);
      }
      return id;
    },
    async position(p) {
      await run(
        `INSERT INTO positions (symbol, strategy, qty, avg_cost, opened_at, stop, last_price, last_price_at, last_price_source) VALUES ($1, $2, $3, $4, now(), $5, $6, $7, $8)`,
        [p.symbol, p.strategy ?? 'donchian', p.qty, p.avgCost, p.stop ?? null, p.lastPrice ?? null, p.lastPriceAt ?? null, p.lastPriceSource ?? null],
      );
    },
    async mark(date, p) {
      await run(`INSERT INTO position_marks (date, symbol, strategy, qty, avg_cost, price, unrealized_pnl, price_source, price_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
        date,
        p.symbol,
        p.strategy ?? 'donchian',
        p.qty,
        p.avgCost,
        p.price,
        (p.price - p.avgCost) * p.qty,
        p.priceSource ?? null,
        p.priceAt ?? null,
      ]);
    },
    async equity(date, equity, benchmarkClose, unrealized = 0) {
      await run(
        `INSERT INTO equity_marks (date, equity, cash, market_value, realized_pnl, unrealized_pnl, benchmark_close, marked_at) VALUES ($1, $2, $2, 0, 0, $4, $3, now())`,
        [date, equity, benchmarkClose, unrealized],
      );
    },
    async bar(symbol, date, close, source = 'csv') {
      await run(`INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source) VALUES ($1, $2, $3, $3, $3, $3, 1000, $4)`, [symbol, date, close, source]);
    },
    async alert(a) {
      await run(`INSERT INTO alerts (key, kind, severity, detail, state, first_at, last_at, resolved_at, count) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)`, [
        a.key,
        a.kind,
        a.severity,
        JSON.stringify(a.detail),
        a.state,
        a.firstAt,
        a.lastAt,
        a.resolvedAt ?? null,
        a.count ?? 1,
      ]);
    },
    async close() {
      if (ds.isInitialized) await ds.destroy();
      await cleanRedis(prefix);
      redis.disconnect();
      await db.drop();
    },
  };
  return world;
}

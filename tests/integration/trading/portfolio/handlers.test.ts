import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalChartRenderer } from '../../../../src/adapters/charts/local-renderer.js';
import { QuickChartRenderer } from '../../../../src/adapters/charts/quickchart-renderer.js';
import { DOWN_COLOR, UP_COLOR } from '../../../../src/adapters/charts/theme.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { ExecutionOutcome } from '../../../../src/trading/execution/execute.js';
import { notifyExecutionOutcome, portfolioHandlers, type PortfolioDeps } from '../../../../src/jobs/handlers/portfolio.js';
import type { NotifyPayload } from '../../../../src/jobs/payloads/common.js';
import { JobProducer } from '../../../../src/jobs/producer.js';
import { BlobStore } from '../../../../src/adapters/redis/blob-store.js';
import { Outbox } from '../../../../src/bot/outbox/outbox.js';
import { ChatPublisher } from '../../../../src/bot/outbox/publisher.js';
import type { ChartRenderer } from '../../../../src/adapters/charts/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../../../helpers/env.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { countColor, decodePng, hexToRgb } from '../../../unit/adapters/charts/helpers/png.js';
import { NOW, seedBars, seedMark, seedOrder, seedPick, seedPosition, seedRun } from './seed.js';

/**
 * The handlers end to end below the bot: real Postgres, the real Outbox
 * enqueuing on Redis, the real chart renderer. What a user would get is the
 * notify job's ops (and the PNG in the blob store).
 */
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let redis: Redis;
let prefix: string;
let producer: JobProducer;
let blobs: BlobStore;
let notify: Queue;
let deps: PortfolioDeps;

/** The bot's publisher drawing with `charts`, queuing through the real Outbox. */
function publisherWith(charts: ChartRenderer): ChatPublisher {
  return new ChatPublisher({ outbox: new Outbox(producer, blobs), charts, callbackKey: Buffer.from('test'), log: { warn: () => undefined } });
}

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 4 });
  await ds.initialize();
  prefix = uniquePrefix();
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  producer = new JobProducer(redis, prefix, 5_000);
  blobs = new BlobStore(redis, prefix);
  notify = new Queue('notify', { connection: redis, prefix });
  deps = { db: new TypeOrmUnitOfWork(ds), publisher: publisherWith(new LocalChartRenderer()), now: () => NOW };
});

afterAll(async () => {
  await producer?.close();
  await notify?.close();
  await cleanRedis(prefix);
  redis?.disconnect();
  if (ds?.isInitialized) await ds.destroy();
  await db?.drop();
});

beforeEach(async () => {
  for (const t of ['fills', 'orders', 'approvals', 'picks', 'scan_runs', 'positions', 'equity_marks', 'bars_daily']) await ds.query(`DELETE FROM ${t}`);
  await seedRun(ds);
});

let seq = 0;
/** Runs a handler as job `tg-<n>` and returns the notify payload it enqueued. */
async function run(name: 'command.positions' | 'command.orders' | 'command.pnl', payload: Record<string, unknown> = {}, d: PortfolioDeps = deps): Promise<{ jobId: string; data: NotifyPayload }> {
  const jobId = `tg-${++seq}`;
  await portfolioHandlers(d)[name]({ chatId: 42, ...payload }, { job: { id: jobId } });
  const job = await notify.getJob(`${jobId}-reply`);
  expect(job, `notify job ${jobId}-reply`).toBeDefined();
  return { jobId, data: job!.data as NotifyPayload };
}

async function png(blobKey: string) {
  const bytes = await blobs.get(blobKey);
  expect(bytes).not.toBeNull();
  return decodePng(bytes!);
}

describe('command.positions', () => {
  it('text first (summary + positions), then a bar chart with a green and a red bar', async () => {
    await seedPosition(ds, { symbol: 'UPP', qty: 10, avgCost: 100, stop: 95, lastPrice: 110, lastPriceAt: new Date('2025-01-08T21:00:00Z') });
    await seedPosition(ds, { symbol: 'DWN', qty: 5, avgCost: 50 });
    await seedBars(ds, 'DWN', '2025-01-10', 2, () => 40);
    // +100 and −50 on a cost of 1000 + 250.
    const { data } = await run('command.positions');
    expect(data.chatId).toBe(42);
    expect(data.origin).toBe('positions');
    expect(data.ops.map((o) => o.kind)).toEqual(['text', 'photo']);
    const text = data.ops[0]!.kind === 'text' ? data.ops[0]!.text : '';
    expect(text.split('\n').slice(0, 2)).toEqual(['📊 Open positions: 2', 'Unrealized +$50.00 (+4.00%)']);
    expect(text.indexOf('UPP')).toBeLessThan(text.indexOf('DWN'));
    const photo = data.ops[1]!;
    if (photo.kind !== 'photo') throw new Error('expected a photo');
    expect(photo.caption).toBe('Unrealized P&L by position');
    const img = await png(photo.blobKey);
    expect(img.width).toBe(800);
    expect(countColor(img, hexToRgb(UP_COLOR))).toBeGreaterThan(200);
    expect(countColor(img, hexToRgb(DOWN_COLOR))).toBeGreaterThan(200);
  });

  it('"No open positions." as text only; a retried job does not answer twice', async () => {
    const jobId = `tg-${++seq}`;
    const h = portfolioHandlers(deps);
    await h['command.positions']({ chatId: 42 }, { job: { id: jobId } });
    await h['command.positions']({ chatId: 42 }, { job: { id: jobId } });
    const job = await notify.getJob(`${jobId}-reply`);
    expect(job!.data.ops).toEqual([{ kind: 'text', text: 'No open positions. Approve a pick from /scan to open one; /orders shows recent orders.' }]);
    const all = await notify.getJobs(['waiting', 'delayed', 'active', 'completed']);
    expect(all.filter((j) => j.id === `${jobId}-reply`)).toHaveLength(1);
  });

  it('when the chart cannot be drawn the text still goes out', async () => {
    await seedPosition(ds, { symbol: 'UPP', qty: 10, avgCost: 100, lastPrice: 110, lastPriceAt: new Date('2025-01-08T21:00:00Z') });
    // A real renderer whose server is not there: port 9 (discard) refuses connections.
    const broken = { ...deps, publisher: publisherWith(new QuickChartRenderer({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2_000 })) };
    const { data } = await run('command.positions', {}, broken);
    expect(data.ops.map((o) => o.kind)).toEqual(['text']);
  });
});

describe('command.orders', () => {
  it('the latest orders as one text message with entities', async () => {
    for (let i = 0; i < 12; i++) await seedOrder(ds, { symbol: `X${i}`, createdAt: new Date(Date.parse('2025-01-10T15:00:00Z') + i * 60_000), realizedPnl: 1 });
    const { data } = await run('command.orders');
    expect(data.ops).toHaveLength(1);
    const op = data.ops[0]!;
    if (op.kind !== 'text') throw new Error('expected text');
    expect(op.text.split('\n')[0]).toBe('🧾 Last 10 orders (newest first)');
    expect(op.text).toContain('X11');
    expect(op.text).not.toContain('X1 ');
    expect(op.entities?.some((e) => e.type === 'code')).toBe(true);
  });
});

describe('command.pnl', () => {
  it('the summary as the caption of the equity chart', async () => {
    await seedMark(ds, { date: '2025-01-08', equity: 10_000, cash: 10_000 });
    await seedOrder(ds, { symbol: 'R', realizedPnl: 12.5, createdAt: new Date('2025-01-10T15:00:00Z') });
    const { data } = await run('command.pnl', { period: 'day' });
    expect(data.origin).toBe('pnl');
    const op = data.ops[0]!;
    if (op.kind !== 'photo') throw new Error('expected a photo');
    expect(op.caption!.split('\n')).toEqual([
      '💵 P&L today (2025-01-10)',
      'Realized +$12.50 · 1 closed (1 won, 0 lost)',
      'Unrealized now $0.00 · no open positions',
      'Equity $10,000.00 · $0.00 since 2025-01-08',
      '(2025-01-10 is live: no mark for it yet)',
    ]);
    expect(op.captionEntities?.length).toBeGreaterThan(0);
    const img = await png(op.blobKey);
    expect([img.width, img.height]).toEqual([800, 450]);
  });

  it('without marks: text only, and the period defaults to day', async () => {
    const { data } = await run('command.pnl');
    expect(data.ops.map((o) => o.kind)).toEqual(['text']);
    const op = data.ops[0]!;
    expect(op.kind === 'text' && op.text.startsWith('💵 P&L today (2025-01-10)')).toBe(true);
    expect(op.kind === 'text' && op.text).toContain('Equity: not marked yet');
  });
});

describe('notifyExecutionOutcome', () => {
  const filled: ExecutionOutcome = {
    kind: 'filled',
    approvalId: '1a2b3c4d-0000-4000-8000-000000000001',
    pickId: 'pk-x',
    symbol: 'FIL',
    strategy: 'donchian',
    side: 'buy',
    qty: 7,
    limitPrice: 10.5,
    filledQty: 7,
    avgFillPrice: 10.4,
    filledNotional: 72.8,
    clientOrderId: 'cs-1a2b3c4d-0000-4000-8000-000000000001',
    brokerOrderId: 'b1',
    broker: 'paper',
    orderState: 'filled',
  };

  it('a fill: one photo (candles with entry and stop) captioned with the confirmation', async () => {
    await seedPick(ds, { id: 'pk-x', symbol: 'FIL', entry: 10.45, stop: 9.75 });
    await seedBars(ds, 'FIL', '2025-01-10', 80, (i) => 9 + i / 50);
    await seedPosition(ds, { symbol: 'FIL', qty: 7, avgCost: 10.4, stop: 9.75 });
    await notifyExecutionOutcome(deps, 42, filled, 'exec-1-done');
    const job = await notify.getJob('exec-1-done');
    const data = job!.data as NotifyPayload;
    expect(data.origin).toBe('execution-filled');
    const op = data.ops[0]!;
    if (op.kind !== 'photo') throw new Error('expected a photo');
    expect(op.caption).toContain('✅ Bought FIL — 7/7 shares filled');
    expect(op.caption).toContain('stop 9.75 (risk $4.55 to it)');
    expect(op.caption).toContain('Now holding 7 sh of FIL');
    const img = await png(op.blobKey);
    expect([img.width, img.height]).toEqual([700, 400]);
  });

  it('a refusal: text only', async () => {
    const refused: ExecutionOutcome = { kind: 'refused', approvalId: 'a', pickId: 'pk-none', symbol: 'FIL', gate: 'kill_switch', reason: { code: 'kill_switch', order: 'entry', killReason: null }, numbers: {} };
    await notifyExecutionOutcome(deps, 42, refused, 'exec-2-done');
    const data = (await notify.getJob('exec-2-done'))!.data as NotifyPayload;
    expect(data.ops.map((o) => o.kind)).toEqual(['text']);
    expect(data.origin).toBe('execution-refused');
  });
});

/**
 * The session job sends the Promote card (issue 14 item 5): driven session after session over a
 * planted universe (a test clock), a qualifying PAPER hypothesis gets ONE card per admin, is marked
 * asked, gets no second card the next session; after a Keep the next card comes exactly when its
 * book reaches the session count the Keep set.
 */
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { toSeries, type Bar, type BarSeries } from '../../../../src/engine/bars.js';
import type { HypothesisDefinition } from '../../../../src/engine/hypotheses/definition.js';
import { hypothesesHandlers, type SessionJobResult } from '../../../../src/jobs/handlers/hypotheses.js';
import type { JobRun } from '../../../../src/jobs/worker-runtime.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { HypothesisBookStore } from '../../../../src/trading/hypotheses/books.js';
import type { IncubationNotice } from '../../../../src/trading/hypotheses/incubation-notices.js';
import { keepPromotion } from '../../../../src/trading/hypotheses/promote.js';
import { HypothesisStore } from '../../../../src/trading/hypotheses/store.js';
import type { Notice } from '../../../../src/trading/notifier.js';
import { createTestDatabase } from '../../../helpers/pg.js';
import { weekdays } from './promote-seed.js';

type Card = Extract<IncubationNotice, { kind: 'hypotheses.promote-card' }>;

/** Every 5th bar (shifted by `phase`) closes 4 % above its open (momentum fires), other bars drift up 0.5 %: a planted winning edge. */
function planted(symbol: string, dates: readonly string[], phase: number): BarSeries {
  const rows: Bar[] = [];
  let price = 50;
  dates.forEach((date, i) => {
    const open = price;
    const close = i >= 20 && (i + phase) % 5 === 0 ? open * 1.04 : open * 1.005;
    rows.push({ date, open, high: Math.max(open, close) * 1.002, low: Math.min(open, close) * 0.998, close, volume: 1e6 });
    price = close;
  });
  return toSeries(symbol, rows);
}

describe('the session job sends Promote cards', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let uow: TypeOrmUnitOfWork;
  let store: HypothesisStore;
  const told: { chatId: number; notice: Notice; key?: string }[] = [];
  const dates = weekdays('2025-01-06', 200);
  const series = [0, 1, 2, 3].map((p) => planted(`W${p}`, dates, p));

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.url, { poolSize: 4 });
    await ds.initialize();
    uow = new TypeOrmUnitOfWork(ds);
    store = new HypothesisStore(uow, new AuditLog(uow));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('one card per admin when it qualifies, marked asked; none the next session; after Keep the next at sessions + 10', async () => {
    const audit = new AuditLog(uow);
    const books = new HypothesisBookStore(uow);
    const handlers = hypothesesHandlers({
      store,
      universe: { load: async () => ({ series, demo: false }) },
      review: { books },
      jobs: { add: async () => undefined } as never,
      redis: { get: async () => null, del: async () => 0 } as never,
      prefix: 'test',
      notifier: { publish: async (chatId, notice, opts) => void told.push({ chatId, notice, ...(opts?.key ? { key: opts.key } : {}) }) },
      admins: () => [41, 42],
      promote: { db: uow, now: () => new Date('2025-06-02T21:00:00Z') },
    });
    const run = { log: pino({ level: 'silent' }), job: {} } as unknown as JobRun;
    const definition: HypothesisDefinition = { family: 'momentum', market: 'US', centre: { lookback: 1, minChangePct: 3 }, grid: { minChangePct: ['3'] }, exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 3, targetAtr: null } };
    const [p] = await store.propose('US', dates[25]!, [{ definition, canonical: 'promote-session-job' }], 'generator');
    const moved = await store.transition(p!.id, 1, { kind: 'incubation_passed' }, { actor: 'incubator', session: dates[25]!, figures: {}, extras: { params: { lookback: 1, minChangePct: 3 } } });
    expect(moved.ok).toBe(true);
    const h = moved.ok ? moved.hypothesis : p!;

    const cards = () => told.filter((t) => t.notice.kind === 'hypotheses.promote-card');
    const session = async (i: number) => (await handlers['hypotheses.session']({ market: 'US', session: dates[i]! }, run)) as SessionJobResult;
    let i = 25;
    while (cards().length === 0 && i < 130) await session(i++);
    const asked = i - 1;
    const first = cards();
    expect(first.map((c) => c.chatId)).toEqual([41, 42]);
    const card = (first[0]!.notice as Card).card;
    expect(card.hypothesis).toMatchObject({ id: h.id, version: h.version });
    expect(card.checks.every((c) => c.pass)).toBe(true);
    expect((first[0]!.notice as Card).tokenId).toBe((first[1]!.notice as Card).tokenId);
    expect((await store.get(h.id))!).toMatchObject({ lastAskedSession: dates[asked], askAgainAfter: null });

    // A second run of the same session and the next session: no second card.
    await session(asked);
    const next = await session(asked + 1);
    expect(next.review).toMatchObject({ promotionCandidates: 0, promoteCards: 0 });
    expect(cards()).toHaveLength(2);

    // Keep on the first card: the next card comes when the book has its sessions then + 10.
    const kept = await keepPromotion({ db: uow, store, books, audit, now: () => new Date('2025-06-03T14:00:00Z') }, (first[0]!.notice as Card).tokenId, 41, 'admin');
    expect(kept.kind).toBe('kept');
    if (kept.kind !== 'kept') return;
    let j = asked + 2;
    while (cards().length === 2 && j < asked + 40) await session(j++);
    const again = cards().slice(2);
    expect(again).toHaveLength(2);
    expect((again[0]!.notice as Card).card.sessions).toBe(kept.askAgainAt);
    expect((again[0]!.notice as Card).card.sessions).toBe(kept.sessions + 10);
    expect((await store.get(h.id))!.state).toBe('PAPER');
  }, 120_000);
});

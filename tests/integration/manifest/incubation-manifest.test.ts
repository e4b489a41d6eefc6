import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { createDataSource } from '../../../src/adapters/db/data-source.js';
import { promoteCardText } from '../../../src/bot/views/hypotheses-promote-view.js';
import { canonicalString } from '../../../src/engine/hypotheses/canonical.js';
import { proposeHypotheses } from '../../../src/engine/hypotheses/generator.js';
import { AuditLog } from '../../../src/trading/audit/audit-log.js';
import { incubateOne } from '../../../src/trading/hypotheses/incubate.js';
import { manifestOf, promoteSizing, type PromoteCardData } from '../../../src/trading/hypotheses/promote-card.js';
import { HypothesisStore } from '../../../src/trading/hypotheses/store.js';
import { readStoredEvaluation } from '../../../src/trading/hypotheses/views-evaluation.js';
import { hashDataset } from '../../../src/trading/manifest/dataset-hash.js';
import { RunManifestStore } from '../../../src/trading/manifest/store.js';
import { createTestDatabase } from '../../helpers/pg.js';
import { plantedUniverse } from '../../helpers/planted-edge.js';

/**
 * An incubation (the hypothesis' walk-forward and verdict) records a run
 * manifest over the universe it evaluated; the stored evaluation names it and
 * the Promote card shows its short hash.
 */
describe('incubation manifest', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let store: HypothesisStore;
  const series = plantedUniverse({ seed: 11, symbols: 12, bars: 800, planted: true });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.url, { poolSize: 4 });
    await ds.initialize();
    const uow = new TypeOrmUnitOfWork(ds);
    store = new HypothesisStore(uow, new AuditLog(uow));
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('stores the manifest (universe hash, kind incubation, key figures) and the card shows its short hash', async () => {
    const def = proposeHypotheses({ market: 'US', existing: [], incubating: 0 }).proposals.find((d) => d.family === 'down_closes')!;
    const [h] = await store.propose('US', '2025-01-02', [{ definition: def, canonical: canonicalString(def) }], 'generator');
    const r = await incubateOne({ store, universe: { load: async () => ({ series, demo: false }) } }, h!.id, { session: '2025-01-03' });
    expect(r.kind).toBe('transitioned');
    if (r.kind !== 'transitioned') return;
    expect(r.record.manifest).toMatch(/^[0-9a-f]{64}$/);

    const found = await new RunManifestStore(new TypeOrmUnitOfWork(ds)).find(r.record.manifest!.slice(0, 12));
    expect(found.kind).toBe('found');
    if (found.kind !== 'found') return;
    const m = found.manifest;
    expect(m).toMatchObject({ kind: 'incubation', datasetHash: hashDataset(series, null).hash, seed: null });
    expect(m.symbols).toHaveLength(12);
    expect(m.figures).toContainEqual(['figures.oosTrades', r.record.figures.oosTrades]);
    expect(m.figures).toContainEqual(['dsr', r.record.dsr]);

    const stored = (await store.get(h!.id))!;
    expect(manifestOf(stored.evaluation)).toBe(r.record.manifest);
    const card: PromoteCardData = {
      hypothesis: { id: stored.id, family: stored.family, market: stored.market, version: stored.version, stateSinceSession: stored.stateSinceSession, params: stored.params },
      session: '2025-03-03',
      bookFrom: '2025-01-03',
      sessions: 40,
      paper: { closedTrades: 12, sharpe: 1.2, maxDrawdown: 0.05, profitFactor: 1.5 },
      checks: [],
      trades: { closed: 12, open: 0 },
      equity: { dates: ['2025-01-03', '2025-03-03'], values: [100_000, 101_000] },
      startEquity: 100_000,
      oos: readStoredEvaluation(stored.evaluation),
      manifest: manifestOf(stored.evaluation),
      sizing: promoteSizing([1, -1, 2], 100_000),
      live: { count: 0, cap: 3 },
      demote: null,
      askAgainAt: 50,
      demo: false,
    };
    const text = promoteCardText(card, Date.UTC(2025, 2, 4)).text;
    expect(text).toMatch(new RegExp(`^Out-of-sample \\(walk-forward .*· DSR [^·]+ · manifest ${r.record.manifest!.slice(0, 12)}$`, 'm'));
  }, 120_000);
});

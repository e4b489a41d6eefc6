import type { Job, Worker } from 'bullmq';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BarsStore } from '../../../src/adapters/bars/store.js';
import { createDataSource } from '../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { incubationRenderers } from '../../../src/bot/render/hypotheses-incubation.js';
import type { RenderContext } from '../../../src/bot/render/types.js';
import { hypothesisDetailText } from '../../../src/bot/views/hypotheses-view.js';
import { createBacktestCommand } from '../../../src/cli/commands/backtest.js';
import { canonicalString } from '../../../src/engine/hypotheses/canonical.js';
import { proposeHypotheses } from '../../../src/engine/hypotheses/generator.js';
import { hypothesesHandlers } from '../../../src/jobs/handlers/hypotheses.js';
import type { JobRun } from '../../../src/jobs/worker-runtime.js';
import { AuditLog } from '../../../src/trading/audit/audit-log.js';
import { HypothesisBookStore } from '../../../src/trading/hypotheses/books.js';
import type { IncubationNotice } from '../../../src/trading/hypotheses/incubation-notices.js';
import { HypothesisStore } from '../../../src/trading/hypotheses/store.js';
import { scanDataUniverse } from '../../../src/trading/hypotheses/universe.js';
import { hypothesisDetail } from '../../../src/trading/hypotheses/views.js';
import type { Notice } from '../../../src/trading/notifier.js';
import { StoreScanData } from '../../../src/trading/scan/store-scan-data.js';
import { createTestDatabase } from '../../helpers/pg.js';
import { plantedUniverse } from '../../helpers/planted-edge.js';
import { runInProcess } from '../trading/backtest/run-in-process.js';

/**
 * An incubation run by the real `hypothesis.incubate` handler over the bars
 * store records a run manifest; the notice and the /hypothesis card show its
 * short hash; `courtside backtest --replay` re-runs the evaluation as a dry
 * run: "identical" on the same bars (exit 0), the changed bar named after one
 * is rewritten (exit 1), and the hypothesis never changes.
 */
describe('incubation manifest: notice, /hypothesis card and --replay', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let store: HypothesisStore;
  let bars: BarsStore;
  const series = plantedUniverse({ seed: 11, symbols: 12, bars: 800, planted: true });
  const told: Notice[] = [];
  const cli = (args: string[]) => runInProcess(createBacktestCommand({ databaseUrl: () => db.url, progress: false }), args);
  let id = '';
  let manifest = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = createDataSource(db.url, { poolSize: 4 });
    await ds.initialize();
    const uow = new TypeOrmUnitOfWork(ds);
    store = new HypothesisStore(uow, new AuditLog(uow));
    bars = new BarsStore(ds);
    await bars.writeBars(
      series.map((s) => ({ symbol: s.symbol, series: s })),
      { source: 'test', demo: false },
    );
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** What a replay must leave alone: the hypothesis row, its transitions and the audit chain. */
  const snapshot = async () => ({
    hypothesis: await store.get(id),
    transitions: await store.transitions(id),
    audit: (await ds.query(`SELECT count(*)::int AS n FROM audit_log`)) as unknown,
  });

  it('the incubate handler announces the manifest short hash and the /hypothesis card shows it on the Walk-forward line', async () => {
    const def = proposeHypotheses({ market: 'US', existing: [], incubating: 0 }).proposals.find((d) => d.family === 'down_closes')!;
    const [h] = await store.propose('US', '2025-01-02', [{ definition: def, canonical: canonicalString(def) }], 'generator');
    id = h!.id;
    const handlers = hypothesesHandlers({
      store,
      universe: scanDataUniverse(new StoreScanData(bars)),
      review: { books: new HypothesisBookStore(new TypeOrmUnitOfWork(ds)) },
      jobs: { add: async () => undefined as never },
      redis: { get: async () => null, del: async () => 0 },
      prefix: 'cs-test-incubation-replay',
      notifier: { publish: async (_chatId, notice) => void told.push(notice) },
      admins: () => [42],
    });
    const run: JobRun = { job: { updateProgress: async () => undefined } as unknown as Job, token: undefined, worker: undefined as unknown as Worker, log: pino({ level: 'silent' }) };
    const result = (await handlers['hypothesis.incubate']({ hypothesisId: id, version: h!.version, session: '2025-01-03' }, run)) as { kind: string };
    expect(result.kind).toBe('transitioned');

    const notice = told.find((n): n is Extract<IncubationNotice, { kind: 'hypotheses.incubated' }> => n.kind === 'hypotheses.incubated');
    expect(notice?.manifest).toMatch(/^[0-9a-f]{64}$/);
    manifest = notice!.manifest!;
    const short = manifest.slice(0, 12);
    const rendered = await incubationRenderers['hypotheses.incubated'](notice!, {} as RenderContext);
    const text = (rendered.ops[0] as { text: string }).text;
    expect(text).toMatch(new RegExp(`^🧪 ${id} .* → (PAPER|RETIRED).*: \\d+ OOS trades, .* · manifest ${short}$`));

    const detail = (await hypothesisDetail(store, id))!;
    expect(detail.manifest).toBe(manifest);
    const card = hypothesisDetailText(detail).text;
    expect(card).toMatch(new RegExp(`^Walk-forward .*: verdict (PAPER|RETIRED).* · manifest ${short}$`, 'm'));
  }, 180_000);

  it('--replay of the incubation manifest prints "identical" (exit 0, text and --json) and changes nothing', async () => {
    const short = manifest.slice(0, 12);
    const before = await snapshot();
    const run = await cli(['--replay', short]);
    expect(run.code, run.out + run.err).toBe(0);
    const lines = run.out.trim().split('\n');
    expect(lines[0]).toBe(`Replay of run manifest ${short} (incubation)`);
    expect(lines[1]).toMatch(/^data: unchanged · 12 series · hash [0-9a-f]{12}$/);
    expect(lines[2]).toMatch(/^code: unchanged · 0\.1\.0\+src\.[0-9a-f]{12}$/);
    expect(lines.at(-1)).toMatch(/^identical: all \d+ key figures match$/);
    const json = await cli(['--replay', short, '--json']);
    expect(json.code, json.out + json.err).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ manifest: { id: manifest, short, kind: 'incubation' }, data: { changed: false, symbols: 12 }, code: { changed: false }, result: { identical: true } });
    expect(await snapshot()).toEqual(before);
  }, 180_000);

  it('after one stored bar changed, the replay names the symbol and the dates holding it, says the data changed, exits 1 and changes nothing', async () => {
    const short = manifest.slice(0, 12);
    const s = series[3]!;
    const i = 500;
    const date = s.dates[i]!;
    expect(s.high[i]).not.toBe(s.close[i]);
    // Close moved to the day's high: still a valid bar, a different dataset.
    await bars.writeBars([{ symbol: s.symbol, bars: [{ date, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.high[i]!, volume: s.volume[i]! }] }], { source: 'test', demo: false });
    const before = await snapshot();

    const run = await cli(['--replay', short]);
    expect(run.code, run.out + run.err).toBe(1);
    const out = run.out.trim().split('\n');
    const m = new RegExp(`^data: CHANGED · ${s.symbol}: first changed bar between (\\d{4}-\\d\\d-\\d\\d) and (\\d{4}-\\d\\d-\\d\\d) \\(the first differing block of 16 bars\\)$`).exec(out[1]!);
    expect(m, out[1]).not.toBeNull();
    expect(m![1]! <= date && date <= m![2]!).toBe(true);
    expect(out[2]).toMatch(/^code: unchanged/);
    expect(out.at(-1)).toMatch(/^differs: \S+ stored \S+, now \S+ · why: the data changed$/);
    expect(await snapshot()).toEqual(before);
  }, 180_000);
});

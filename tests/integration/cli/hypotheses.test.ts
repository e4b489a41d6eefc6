/**
 * `courtside hypotheses list|evaluate`, run in process against a fresh test
 * database: the listing is what HypothesisStore holds; a dry-run evaluation
 * on a small planted universe in the bars store gives what
 * evaluateDefinition gives on the same series, and changes nothing.
 */
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BarsStore } from '../../../src/adapters/bars/store.js';
import { createDataSource } from '../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { UsageError, type CliIO } from '../../../src/cli/command.js';
import { hypothesesCommand } from '../../../src/cli/commands/hypotheses.js';
import { type Bar, type BarSeries, toSeries } from '../../../src/engine/bars.js';
import { mulberry32 } from '../../../src/engine/backtest/prng.js';
import type { HypothesisDefinition, MarketId } from '../../../src/engine/hypotheses/definition.js';
import { AuditLog } from '../../../src/trading/audit/audit-log.js';
import { evaluateDefinition } from '../../../src/trading/hypotheses/evaluate-stored.js';
import { figuresJson } from '../../../src/trading/hypotheses/figures-json.js';
import { HypothesisStore, type StoredHypothesis } from '../../../src/trading/hypotheses/store.js';
import { runCli } from '../../helpers/cli.js';
import { createTestDatabase } from '../../helpers/pg.js';
import { setProcessEnv } from '../../helpers/process-env.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let store: HypothesisStore;
let bars: BarsStore;
let restoreEnv = () => {};

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 4 });
  await ds.initialize();
  const uow = new TypeOrmUnitOfWork(ds);
  store = new HypothesisStore(uow, new AuditLog(uow));
  bars = new BarsStore(ds);
  restoreEnv = setProcessEnv({ DATABASE_URL: db.url });
});
afterAll(async () => {
  restoreEnv();
  await ds.destroy();
  await db.drop();
});
beforeEach(async () => {
  await ds.query('TRUNCATE hypotheses, hypothesis_transitions, hypothesis_generator_runs CASCADE');
});

/** Runs `courtside hypotheses <args>` in process (a UsageError is thrown, as main.ts receives it). */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t) };
  const code = await hypothesesCommand.run(args, io);
  return { code, out, err };
}

/** What the store holds, as the JSON output must carry it (dates as ISO strings, Infinity as "Infinity"). */
const asJson = (v: unknown): unknown => JSON.parse(figuresJson(v));

const EXITS = { atrPeriod: 14, stopAtr: 2, timeStopBars: 3, targetAtr: null };

function momentum(n: number, market: MarketId = 'US'): { definition: HypothesisDefinition; canonical: string } {
  const definition: HypothesisDefinition = {
    family: 'momentum',
    market,
    centre: { lookback: 10 + n, minChangePct: 5 },
    grid: { lookback: [String(9 + n), String(10 + n), String(11 + n)] },
    exits: EXITS,
  };
  return { definition, canonical: `cli-test:${market}:${n}` };
}

async function propose(market: MarketId, p: { definition: HypothesisDefinition; canonical: string }): Promise<StoredHypothesis> {
  const [h] = await store.propose(market, '2026-12-04', [p], 'generator');
  return h!;
}

describe('courtside hypotheses list', () => {
  it('on an empty store says so and how hypotheses appear; --json gives an empty list', async () => {
    const text = await run('list');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/No hypotheses stored yet/);
    expect(text.out).toContain('courtside start');
    expect(text.out).toMatch(/generator/);
    const json = await run('list', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual({ hypotheses: [] });
  });

  it('--json carries every stored field plus key figures; --state and --market filter; the table shows the figures', async () => {
    const paper = await propose('US', momentum(1));
    const retired = await propose('US', momentum(2));
    const incubating = await propose('US', momentum(3));
    const kr = await propose('KR', momentum(4, 'KR'));
    // A PAPER one whose stored evaluation holds every figure (as the incubator stores it).
    const moved = await store.transition(paper.id, null, { kind: 'incubation_passed' }, {
      actor: 'incubator',
      session: '2026-12-05',
      figures: { dsr: 0.5 },
      extras: {
        evaluation: { figures: { oosTrades: 41, sharpe: 1.3456, maxDrawdown: 0.08, profitFactor: Infinity, winRate: 0.55 }, outcome: { to: 'PAPER', dsr: 0.9712 }, demo: true },
        dailySharpe: 0.08,
        params: { lookback: 11, minChangePct: 5 },
      },
    });
    expect(moved.ok).toBe(true);
    // A RETIRED one whose evaluation lacks the DSR: it is read from its incubation transition's figures.
    await store.transition(retired.id, null, { kind: 'incubation_failed' }, {
      actor: 'incubator',
      session: '2026-12-06',
      figures: { dsr: 0.3125 },
      extras: { evaluation: { figures: { oosTrades: 12, sharpe: 0.4 } }, dailySharpe: 0.01, retiredReason: 'too_few_trades, sharpe_too_low' },
    });

    const all = await run('list', '--json');
    expect(all.code).toBe(0);
    const listed = (JSON.parse(all.out) as { hypotheses: Record<string, unknown>[] }).hypotheses;
    const held = await store.list();
    expect(listed.map(({ keyFigures: _k, ...rest }) => rest)).toEqual(asJson(held));
    expect(listed.map((h) => h.definition)).toEqual(held.map((h) => asJson(h.definition)));
    const byId = new Map(listed.map((h) => [h.id as string, h]));
    expect(byId.get(paper.id)!.keyFigures).toEqual({ oosTrades: 41, sharpe: 1.3456, dsr: 0.9712, demo: true });
    expect(byId.get(retired.id)!.keyFigures).toEqual({ oosTrades: 12, sharpe: 0.4, dsr: 0.3125, demo: null });
    expect(byId.get(incubating.id)!.keyFigures).toEqual({ oosTrades: null, sharpe: null, dsr: null, demo: null });
    expect((byId.get(paper.id)!.evaluation as { figures: { profitFactor: unknown } }).figures.profitFactor).toBe('Infinity');

    const paperOnly = JSON.parse((await run('list', '--state', 'PAPER', '--json')).out) as { hypotheses: { id: string }[] };
    expect(paperOnly.hypotheses.map((h) => h.id)).toEqual([paper.id]);
    const incubatingUs = JSON.parse((await run('list', '--state', 'incubating', '--market', 'US', '--json')).out) as { hypotheses: { id: string }[] };
    expect(incubatingUs.hypotheses.map((h) => h.id)).toEqual([incubating.id]);
    const krOnly = JSON.parse((await run('list', '--market', 'KR', '--json')).out) as { hypotheses: { id: string }[] };
    expect(krOnly.hypotheses.map((h) => h.id)).toEqual([kr.id]);

    const text = await run('list');
    expect(text.code).toBe(0);
    const line = (id: string) => text.out.split('\n').find((l) => l.startsWith(id)) ?? '';
    expect(line(paper.id)).toMatch(/US\s+momentum\s+PAPER\s+2026-12-05\s+41\s+1\.35\s+0\.971 DEMO/);
    expect(line(retired.id)).toMatch(/RETIRED\s+2026-12-06\s+12\s+0\.40\s+0\.313\s+too_few_trades, sharpe_too_low$/);
    expect(line(incubating.id)).toMatch(/INCUBATING\s+2026-12-04\s+–\s+–\s+–$/);
    expect(line(kr.id)).toMatch(/^h[0-9a-f]{8}\s+KR\s+momentum\s+INCUBATING/);
    expect(text.out).toMatch(/4 hypotheses\./);

    const none = await run('list', '--state', 'LIVE');
    expect(none.out).toMatch(/No hypotheses matching --state LIVE \(4 stored in all/);
  });

  it('refuses a bad --market, --state or stray argument as a usage error', async () => {
    await expect(run('list', '--state', 'ALIVE')).rejects.toThrow(new UsageError('--state must be one of INCUBATING, PAPER, LIVE, RETIRED, got "ALIVE"'));
    await expect(run('list', '--market', 'JP')).rejects.toThrow(/--market must be one of US, KR/);
    await expect(run('list', 'extra')).rejects.toBeInstanceOf(UsageError);
    await expect(run()).rejects.toThrow(/missing sub-command/);
    await expect(run('evaluate')).rejects.toThrow(/exactly one hypothesis ID/);
    await expect(run('frob')).rejects.toThrow(/unknown sub-command "frob"/);
  });
});

// ------------------------------------------------------------------ evaluate

/** Weekdays from 2020-01-01 on. */
function weekdays(n: number): string[] {
  const out: string[] = [];
  for (let d = new Date(Date.UTC(2020, 0, 1)); out.length < n; d = new Date(d.getTime() + 86_400_000)) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/**
 * A seeded ±1.5 % daily walk with a small drift; after every third lower
 * close in a row come three days of +0.8 % ± 1 %: an edge the down_closes
 * family can find, so the evaluation has out-of-sample trades to count.
 */
function planted(seed: number, symbols: number, n: number): BarSeries[] {
  const rand = mulberry32(seed);
  const dates = weekdays(n);
  return Array.from({ length: symbols }, (_, k) => {
    const rows: Bar[] = [];
    let prev = 40 + 60 * rand();
    let down = 0;
    let boost = 0;
    for (let i = 0; i < n; i++) {
      const r = boost > 0 ? 0.008 + 0.02 * (rand() - 0.5) : 0.0003 + 0.03 * (rand() - 0.5);
      if (boost > 0) boost--;
      const open = prev * (1 + 0.004 * (rand() - 0.5));
      const close = prev * (1 + r);
      const high = Math.max(open, close) * (1 + 0.004 * rand());
      const low = Math.min(open, close) * (1 - 0.004 * rand());
      down = close < prev ? down + 1 : 0;
      if (down >= 3) {
        boost = 3;
        down = 0;
      }
      rows.push({ date: dates[i]!, open, high, low, close, volume: 1e5 });
      prev = close;
    }
    return toSeries(`P${String(k).padStart(2, '0')}`, rows);
  });
}

const DOWN_CLOSES: HypothesisDefinition = {
  family: 'down_closes',
  market: 'US',
  centre: { downCloses: 3, smaPeriod: 50 },
  grid: { smaPeriod: ['20', '50'] },
  exits: EXITS,
};

interface EvaluateJson {
  dryRun: boolean;
  demo: boolean;
  hypothesis: { id: string; state: string; version: number };
  data: { symbols: number; demoSymbols: number; firstDate: string; lastDate: string };
  gridPoints: number;
  priorDailySharpes: number[];
  evaluation: unknown;
  outcome: unknown;
  trials: unknown;
}

describe('courtside hypotheses evaluate', () => {
  const universe = planted(20261204, 6, 600);
  beforeAll(async () => {
    await bars.writeBars(universe.map((series) => ({ symbol: series.symbol, series })), { source: 'csv:planted', demo: false });
  });

  /** Everything the dry run must leave as it was. */
  async function snapshot(id: string) {
    const audit = ((await ds.query('SELECT count(*)::int AS n FROM audit_log')) as { n: number }[])[0]!.n;
    return { hypothesis: await store.get(id), transitions: await store.transitions(id), all: await store.list(), audit };
  }

  it('gives the figures evaluateDefinition gives on the same series, deflated over the other finished evaluations, and changes nothing', async () => {
    const target = await propose('US', { definition: DOWN_CLOSES, canonical: 'cli-test:down_closes' });
    // Two other finished evaluations, and the target itself evaluated before: its own stored Sharpe must not count twice.
    const others = [await propose('US', momentum(5)), await propose('US', momentum(6))];
    for (const [h, s] of [[others[0]!, 0.021], [others[1]!, 0.057], [target, 0.093]] as const) {
      const r = await store.transition(h.id, null, { kind: 'incubation_passed' }, { actor: 'incubator', session: '2026-12-05', figures: {}, extras: { dailySharpe: s } });
      expect(r.ok).toBe(true);
    }
    const before = await snapshot(target.id);

    const r = await run('evaluate', target.id.toUpperCase(), '--json');
    expect(r.code, r.err).toBe(0);
    const got = JSON.parse(r.out) as EvaluateJson;

    const prior = (await store.finishedDailySharpes('US')).filter((s) => s !== 0.093);
    expect(prior).toHaveLength(2);
    const expected = await evaluateDefinition(DOWN_CLOSES, universe, prior);
    expect(expected.evaluation.figures.oosTrades).toBeGreaterThan(0);
    expect(got.evaluation).toEqual(asJson(expected.evaluation));
    expect(got.outcome).toEqual(asJson(expected.outcome));
    expect(got.trials).toEqual(asJson(expected.trials));
    expect(expected.trials.n).toBe(3);
    expect(got.priorDailySharpes).toEqual(prior);
    expect(got).toMatchObject({
      dryRun: true,
      demo: false,
      hypothesis: { id: target.id, state: 'PAPER', version: 2 },
      data: { symbols: 6, demoSymbols: 0, firstDate: universe[0]!.dates[0], lastDate: universe[0]!.dates.at(-1) },
      gridPoints: 2,
    });

    const text = await run('evaluate', target.id);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain('DRY RUN');
    expect(text.out).toMatch(/Nothing was stored or changed/);
    expect(text.out).not.toMatch(/DEMO/);
    const e = expected.evaluation;
    expect(text.out).toContain(`Out of sample: ${e.figures.oosTrades} trades`);
    expect(text.out).toContain(`Verdict: → ${expected.outcome.to}`);
    for (const label of ['OOS trades', 'Sharpe (annualised)', 'Max drawdown', 'Profit factor', 'Win rate', 'Deflated Sharpe']) expect(text.out).toContain(label);
    expect(text.out.match(/^ {2}(pass|FAIL) /gm)).toHaveLength(expected.outcome.checks.length);
    expect(text.out).toContain(`N ${expected.trials.n} trials`);
    expect(text.out).toContain(`SR₀ ${expected.outcome.deflated.sr0.toFixed(4)}`);
    expect(text.out).toContain(`smaPeriod=${String((e.chosenParams as { smaPeriod: number }).smaPeriod)}`);
    expect(text.out.match(/^ {2}train .* · test /gm)).toHaveLength(e.windows.length);

    expect(await snapshot(target.id)).toEqual(before);
  });

  it('says DEMO plainly when any stored symbol is synthetic', async () => {
    const target = await propose('US', { definition: DOWN_CLOSES, canonical: 'cli-test:down_closes' });
    const fake = planted(7, 1, 600)[0]!;
    await bars.writeBars([{ symbol: 'ZZDEMO', series: fake }], { source: 'synthetic', demo: true });
    try {
      const json = JSON.parse((await run('evaluate', target.id, '--json')).out) as EvaluateJson;
      expect(json).toMatchObject({ demo: true, data: { symbols: 7, demoSymbols: 1 } });
      const text = await run('evaluate', target.id);
      expect(text.code, text.err).toBe(0);
      expect(text.out).toMatch(/DEMO DATA: 1 of 7 symbols are synthetic/);
    } finally {
      await bars.deleteSymbols(['ZZDEMO']);
    }
  });

  it('an unknown id exits 2 and says how to list the ids; a KR hypothesis is not available yet; nothing is written', async () => {
    const unknown = await run('evaluate', 'hdeadbeef');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no hypothesis has id "hdeadbeef"');
    expect(unknown.err).toContain('courtside hypotheses list');
    // The same through the built CLI's main: the command is registered and the exit code reaches the shell.
    const viaMain = await runCli(['hypotheses', 'evaluate', 'hdeadbeef'], { env: { ...process.env, DATABASE_URL: db.url } });
    expect(viaMain.code, viaMain.err).toBe(2);
    expect(viaMain.err).toContain('courtside hypotheses list');

    const kr = await propose('KR', momentum(7, 'KR'));
    const before = await snapshot(kr.id);
    const r = await run('evaluate', kr.id, '--json');
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/evaluating KR hypotheses is not available yet/);
    expect(await snapshot(kr.id)).toEqual(before);
  });
});

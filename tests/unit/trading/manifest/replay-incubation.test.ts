import { describe, expect, it } from 'vitest';
import { backtestDataSources } from '../../../../src/app/backtest-sources.js';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { proposeHypotheses } from '../../../../src/engine/hypotheses/generator.js';
import type { BarsSource } from '../../../../src/trading/backtest/data.js';
import { evaluateDefinition } from '../../../../src/trading/hypotheses/evaluate-stored.js';
import { incubationManifest, incubationResultOf } from '../../../../src/trading/manifest/incubation-manifest.js';
import type { RunManifest } from '../../../../src/trading/manifest/manifest.js';
import type { ReplayPorts } from '../../../../src/trading/manifest/replay-backtest.js';
import { replayManifest } from '../../../../src/trading/manifest/replay.js';
import { plantedUniverse } from '../../../helpers/planted-edge.js';

/** An in-memory bars store holding `series`. */
function memory(series: readonly BarSeries[]): BarsSource {
  const all = new Map(series.map((s) => [s.symbol, s]));
  return {
    name: 'memory',
    load: async (symbols) => ({ series: new Map([...all].filter(([k]) => symbols === null || symbols.includes(k))), demo: new Set() }),
    list: async () => [...all.keys()].map((symbol) => ({ symbol, demo: false })),
  };
}

/** `s` with one more bar (a copy of its last) on the day after its last date: what a later import stores. */
function appended(s: BarSeries): BarSeries {
  const next = new Date(Date.parse(`${s.dates.at(-1)!}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const add = (col: Float64Array) => Float64Array.from([...col, col.at(-1)!]);
  return { symbol: s.symbol, dates: [...s.dates, next], open: add(s.open), high: add(s.high), low: add(s.low), close: add(s.close), volume: add(s.volume) };
}

const ports = (series: readonly BarSeries[] | null, code = '0.1.0+src.aaaaaaaaaaaa'): ReplayPorts => ({
  data: { sources: backtestDataSources(), barsStore: series ? memory(series) : null },
  readCsvFile: () => Promise.reject(new Error('no CSV here')),
  codeVersion: code,
});

/**
 * The incubation replay on its own (no database): the same evaluator and
 * verdict as the incubator, and the why of a difference decided by what
 * changed (data, code, or neither).
 */
describe('replayManifest of an incubation', () => {
  const series = plantedUniverse({ seed: 5, symbols: 6, bars: 600, planted: true });
  const def = proposeHypotheses({ market: 'US', existing: [], incubating: 0 }).proposals.find((d) => d.family === 'down_closes')!;
  let manifest: RunManifest;

  it('replays identical on the same bars, even with bars appended since', async () => {
    const run = await evaluateDefinition(def, series, [0.01, -0.02]);
    manifest = incubationManifest(series, { market: 'US', definition: def, priorDailySharpes: [0.01, -0.02], deflationTrials: [0.01, -0.02], result: incubationResultOf(run) }, '0.1.0+src.aaaaaaaaaaaa');
    const later = series.map(appended);
    expect(later[0]!.dates.length).toBe(series[0]!.dates.length + 1);
    const r = await replayManifest(manifest, ports(later));
    expect(r).toMatchObject({ manifest: { kind: 'incubation' }, data: { changed: false, symbols: 6 }, code: { changed: false }, result: { identical: true, figures: manifest.figures.length } });
  });

  it('a symbol gone from the store is a data change naming it; no bars store at all cannot be repeated', async () => {
    const gone = await replayManifest(manifest, ports(series.slice(1)));
    expect(gone).toMatchObject({ data: { changed: true, difference: { kind: 'missing', symbol: series[0]!.symbol } }, result: { identical: false, why: 'data' } });
    const none = await replayManifest(manifest, ports(null));
    expect(none).toMatchObject({ data: { changed: true, hash: null, difference: { kind: 'unavailable' } }, result: { identical: false, figure: null, why: 'data' } });
  });

  it('a differing figure is blamed on the code when only the code version changed, else on nondeterminism', async () => {
    const first = manifest.figures[0]!;
    const tampered: RunManifest = { ...manifest, figures: [[first[0], typeof first[1] === 'number' ? first[1] + 1 : 'x'], ...manifest.figures.slice(1)] };
    const code = await replayManifest(tampered, ports(series, '0.1.0+src.bbbbbbbbbbbb'));
    expect(code).toMatchObject({ code: { changed: true }, result: { identical: false, figure: { name: first[0], now: first[1] }, why: 'code' } });
    const neither = await replayManifest(tampered, ports(series));
    expect(neither).toMatchObject({ result: { identical: false, why: 'nondeterminism' } });
  });
});

import { createHash } from 'node:crypto';
import type { BacktestData } from '../backtest/data.js';
import type { BacktestLoadSpec } from '../backtest/load-spec.js';
import type { BacktestOutcome } from '../backtest/report.js';
import type { BacktestRequest } from '../backtest/request.js';
import { hashDataset } from './dataset-hash.js';
import { flattenFigures, manifestId, type KeyFigure, type RunManifest } from './manifest.js';

/** The parameters a backtest manifest records: the normalised request and how its bars were loaded. */
export interface BacktestManifestParams {
  request: BacktestRequest;
  load: BacktestLoadSpec;
}

/**
 * The key figures of a backtest a replay compares, in the order it reports
 * the first difference: the range, portfolio metrics, per-strategy metrics,
 * the benchmark, walk-forward, Monte Carlo, skipped signals, then the trade
 * count and a SHA-256 digest of every trade (so a changed fill the summary
 * metrics happen to hide still counts).
 */
export function backtestFigures(outcome: Pick<BacktestOutcome, 'report' | 'trades'>): KeyFigure[] {
  const r = outcome.report;
  const out: KeyFigure[] = [];
  flattenFigures('range', r.range, out);
  flattenFigures('metrics', r.metrics, out);
  for (const s of r.strategies) flattenFigures(`strategy.${s.strategy}`, s.metrics, out);
  if (r.benchmark) flattenFigures(`benchmark.${r.benchmark.symbol}`, { metrics: r.benchmark.metrics, portfolioReturn: r.benchmark.portfolioReturn ?? null }, out);
  for (const w of r.walkForward ?? []) flattenFigures(`walkForward.${w.strategy}`, { metrics: w.metrics, windows: w.windows }, out);
  if (r.monteCarlo) flattenFigures('monteCarlo', r.monteCarlo, out);
  flattenFigures('skipped', r.skipped, out);
  out.push(['trades.count', outcome.trades.length]);
  out.push(['trades.digest', createHash('sha256').update(JSON.stringify(outcome.trades)).digest('hex')]);
  // Through JSON once, as the stored copy is: a fresh -0 or a dropped undefined compares like the stored one.
  return JSON.parse(JSON.stringify(out)) as KeyFigure[];
}

/** The load spec of data that did not record one: re-resolved like /backtest. */
const DEFAULT_LOAD: BacktestLoadSpec = { kind: 'resolve', demoEndDate: null };

/** The manifest of one backtest run: its data's content hash, the code version, request, seed and key figures. */
export function backtestManifest(request: BacktestRequest, data: Pick<BacktestData, 'series' | 'benchmark' | 'load'>, outcome: Pick<BacktestOutcome, 'report' | 'trades'>, code: string): RunManifest {
  const dataset = hashDataset(data.series, data.benchmark);
  const params: BacktestManifestParams = { request, load: data.load ?? DEFAULT_LOAD };
  const content = {
    kind: 'backtest' as const,
    datasetHash: dataset.hash,
    codeVersion: code,
    params: JSON.parse(JSON.stringify(params)) as Record<string, unknown>,
    seed: request.monteCarlo?.seed ?? null,
  };
  return { id: manifestId(content), ...content, symbols: dataset.symbols, figures: backtestFigures(outcome) };
}

/**
 * The outcome with its manifest attached: `report.manifest` names it (every
 * face shows its short hash) and `manifest` carries it to
 * `BacktestStore.complete`, which stores both in one transaction.
 */
export function withManifest(request: BacktestRequest, data: Pick<BacktestData, 'series' | 'benchmark' | 'load'>, outcome: BacktestOutcome, code: string): BacktestOutcome {
  const manifest = backtestManifest(request, data, outcome, code);
  return { ...outcome, report: { ...outcome.report, manifest: manifest.id }, manifest };
}

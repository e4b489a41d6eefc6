import type { BarSeries } from '../../engine/bars.js';
import { rankSignals, scanLatest, suggestSize, type SizingPolicy, type SuggestedSize } from '../../engine/scan/index.js';
import type { Signal, StrategyId } from '../../engine/signal.js';
import { UserFacingError } from '../../lib/errors.js';
import { pickExpiry } from '../market-clock.js';
import type { ScanData, SeedingState } from './data-port.js';
import type { StoredPick } from './pick.js';

/** How scans run (from config). */
export interface ScanSettings {
  /** Symbols per chunk job. */
  chunkSize: number;
  /** Picks posted as cards. */
  topN: number;
  /** How long a pick can be approved (capped at the session close). */
  pickTtlMs: number;
  sizing: SizingPolicy;
}

/** Where scan runs and picks are kept (Postgres' `PicksRepo` in production). */
export interface ScanRuns {
  createRun(run: { id: string; requestedBy: number; chatId: number; asOf: string; strategies: string[]; symbols: number; demo: boolean }): Promise<void>;
  finishRun(id: string, r: { evaluated: number; signals: number; summary: unknown }): Promise<void>;
  upsertPicks(runId: string, picks: { signal: Signal; size: SuggestedSize; demo: boolean }[], expiresAt: Date): Promise<StoredPick[]>;
  /** Records the cards the run's chat is shown now (pending, unexpired, not shown to that chat before); returns their ids. */
  claimCards(runId: string, pickIds: readonly string[], now: Date): Promise<Set<string>>;
}

/**
 * A top pick of a scan: `held` when it gets no new card — its chat was shown
 * it already, or it is no longer pending (approved, queued, executed,
 * rejected, failed, expired). A held pick is summed up in one message without buttons.
 */
export type ScanTopPick = StoredPick & { held: boolean };

/** Why a scan cannot start now. */
export type ScanNotReadyReason = 'seeding' | 'no-data';

const NOT_READY: Record<ScanNotReadyReason, string> = {
  seeding: 'The market data is still loading (the first start stores ~2.3M demo bars, about a minute). Try /scan again shortly.',
  'no-data': 'No market data is loaded yet. Run `npx courtside data seed` (or import CSVs with `courtside data import`) and try /scan again.',
};

/**
 * A scan refused before it started. It is final (no retry) and its message
 * is what the requester is told when the scan job fails.
 */
export class ScanNotReadyError extends UserFacingError {
  constructor(readonly reason: ScanNotReadyReason) {
    super(NOT_READY[reason]);
  }
}

/** A started scan: the session it evaluates and its symbols, in chunk-sized slices. */
export interface ScanPlan {
  asOf: string;
  /** Symbols current at `asOf` (the scan's total). */
  symbols: number;
  /** Some of them hold synthetic DEMO bars. */
  demo: boolean;
  chunks: string[][];
}

/**
 * Starts a scan run: refuses while the default data is loading or when none
 * is stored, takes the latest session any stored symbol has and the symbols
 * current at it, records the run and splits the symbols into chunks.
 */
export async function startScanRun(
  ports: { data: ScanData; seeding: SeedingState; runs: Pick<ScanRuns, 'createRun'> },
  run: { id: string; requestedBy: number; chatId: number; strategies: string[] },
  chunkSize: number,
): Promise<ScanPlan> {
  if (await ports.seeding.isSeeding()) throw new ScanNotReadyError('seeding');
  const dated = (await ports.data.members()).filter((m) => m.lastDate !== null);
  if (dated.length === 0) throw new ScanNotReadyError('no-data');
  const asOf = dated.reduce((a, m) => (m.lastDate! > a ? m.lastDate! : a), dated[0]!.lastDate!);
  const current = dated.filter((m) => m.lastDate === asOf);
  const demo = current.some((m) => m.demo);
  await ports.runs.createRun({ ...run, asOf, symbols: current.length, demo });
  const chunks: string[][] = [];
  for (let i = 0; i < current.length; i += chunkSize) chunks.push(current.slice(i, i + chunkSize).map((m) => m.symbol));
  return { asOf, symbols: current.length, demo, chunks };
}

/** What one chunk of a scan found. */
export interface ScanChunkOutcome {
  evaluated: number;
  /** Symbols skipped (stale or too short a history). */
  skipped: number;
  signals: Signal[];
}

/** Evaluates the strategies on the last bar (as of `asOf`) of each symbol of one chunk. */
export async function scanChunk(data: ScanData, symbols: readonly string[], asOf: string, strategies: readonly StrategyId[]): Promise<ScanChunkOutcome> {
  const series = await data.load(symbols);
  const out = scanLatest([...series.values()], asOf, strategies);
  return { evaluated: out.evaluated, skipped: out.skipped.length, signals: out.signals };
}

/** A finished scan, in figures. */
export interface ScanSummary {
  evaluated: number;
  skipped: number;
  /** Signals found, all strategies. */
  signals: number;
  /** Signals per requested strategy, in the order requested. */
  byStrategy: { strategy: StrategyId; signals: number }[];
  /** The best picks (at most `topN`), best first: new cards, and the held ones (see {@link ScanTopPick}). */
  top: ScanTopPick[];
}

/**
 * Finishes a scan run from its chunks' outcomes: ranks every signal, sizes
 * and stores them as picks (expiring after the TTL or at the session close)
 * and closes the run with the ids of the top picks.
 */
export async function finishScanRun(
  ports: { data: ScanData; runs: Pick<ScanRuns, 'upsertPicks' | 'finishRun' | 'claimCards'> },
  settings: Pick<ScanSettings, 'topN' | 'pickTtlMs' | 'sizing'>,
  run: { id: string; strategies: readonly StrategyId[]; chunks: readonly ScanChunkOutcome[] },
  nowMs: number,
): Promise<ScanSummary> {
  const evaluated = run.chunks.reduce((a, v) => a + v.evaluated, 0);
  const skipped = run.chunks.reduce((a, v) => a + v.skipped, 0);
  const ranked = rankSignals(run.chunks.flatMap((v) => v.signals));
  const demoSymbols = new Set((await ports.data.members()).filter((m) => m.demo).map((m) => m.symbol));
  const sized = ranked.map((signal) => ({ signal, size: suggestSize(signal, settings.sizing), demo: demoSymbols.has(signal.symbol) }));
  const stored = await ports.runs.upsertPicks(run.id, sized, pickExpiry(nowMs, settings.pickTtlMs));
  const best = stored.slice(0, settings.topN);
  // A re-scan posts only what its chat has not seen: a live card is never posted twice, a decided pick never again.
  const fresh = await ports.runs.claimCards(run.id, best.map((p) => p.id), new Date(nowMs));
  const top = best.map((p) => ({ ...p, held: !fresh.has(p.id) }));
  await ports.runs.finishRun(run.id, { evaluated, signals: ranked.length, summary: { skipped, top: top.map((s) => s.id), held: top.filter((t) => t.held).map((t) => t.id) } });
  return {
    evaluated,
    skipped,
    signals: ranked.length,
    byStrategy: run.strategies.map((strategy) => ({ strategy, signals: ranked.filter((r) => r.strategy === strategy).length })),
    top,
  };
}

/** A pick with the bars its card's chart is drawn from (`held` picks get a summary line instead of a card). */
export interface PickWithBars {
  pick: StoredPick & { held?: boolean };
  series: BarSeries;
}

/** The bars of each pick (picks whose symbol has none are left out). */
export async function withBars(data: ScanData, picks: readonly (StoredPick & { held?: boolean })[]): Promise<PickWithBars[]> {
  if (picks.length === 0) return [];
  const series = await data.load(picks.map((p) => p.symbol));
  return picks.flatMap((pick) => {
    const s = series.get(pick.symbol);
    return s ? [{ pick, series: s }] : [];
  });
}

import type { BarSeries } from '../../engine/bars.js';
import type { MarketId } from '../../engine/hypotheses/definition.js';
import {
  compareSources,
  mergePickSources,
  scanHypotheses,
  scanLatest,
  sizeFixedSource,
  sizeKellySource,
  type HypothesisScanProblem,
  type ScanHypothesis,
  type SizedSignal,
  type SizingPolicy,
} from '../../engine/scan/index.js';
import { hypothesisLookback, sessionsEndingAt, windowGap } from '../../engine/data-quality/index.js';
import { strategyLookback, type ScanGap } from '../../engine/scan/scan.js';
import { hypothesisIdOf, hypothesisSourceId, isHypothesisSource, type Signal, type SignalSourceId, type StrategyId } from '../../engine/signal.js';
import { UserFacingError } from '../../lib/errors.js';
import type { LiveHypothesis, LiveHypothesisSource } from '../hypotheses/live-source.js';
import { pickExpiry } from '../market-clock.js';
import { assumedAccount, type ScanAccount } from './account-port.js';
import { KR_SCAN_RULES, krLeverageAllowed, krStrategyParams, krxSessionsEndingAt, krPickExpiry, krSizing, splitByTradedValue, DEFAULT_MIN_TRADED_VALUE_KR, type KrScanSettings } from './kr-scan.js';
import type { ScanData, SeedingState } from './data-port.js';
import type { StoredPick } from './pick.js';
import type { PickToStore } from './picks-repo.js';
import { scanDecisions, type DecisionRow } from '../journal/scan-decisions.js';

/** How scans run (from config). */
export interface ScanSettings {
  /** Symbols per chunk job. */
  chunkSize: number;
  /** Picks posted as cards. */
  topN: number;
  /** How long a pick can be approved (capped at the session close). */
  pickTtlMs: number;
  sizing: SizingPolicy;
  /**
   * How the Kobe strategies size their picks: `fixed` (default, the sizing
   * policy's risk fraction) or `kelly` (KOBE_SIZING=kelly: half-Kelly like a
   * hypothesis; they have no shadow book and no store of closed trades in R
   * yet, so Kelly has no estimate for them and risks 0.25 %, under the caps).
   * LIVE hypotheses always size by half-Kelly.
   */
  kobeSizing?: 'fixed' | 'kelly';
  /** The market scanned when a run names none (default US): whose LIVE hypotheses join the scan. */
  market?: MarketId;
  /** How a KR scan picks and sizes its ETFs (leverage, traded value, won equity); defaults in kr-scan.ts. */
  kr?: KrScanSettings;
  /**
   * Whether a finishing scan writes its decisions to the journal (default on). Off only to
   * measure what the journal costs (`npm run bench`); the config has no setting for it yet.
   */
  journal?: boolean;
}

/** Where scan runs and picks are kept (Postgres' `PicksRepo` in production). */
export interface ScanRuns {
  createRun(run: { id: string; requestedBy: number; chatId: number; asOf: string; strategies: string[]; symbols: number; demo: boolean; market: MarketId }): Promise<void>;
  finishRun(id: string, r: { evaluated: number; signals: number; summary: unknown }): Promise<void>;
  upsertPicks(runId: string, picks: readonly PickToStore[], expiresAt: Date): Promise<StoredPick[]>;
  /** Records the cards the run's chat is shown now (pending, unexpired, not shown to that chat before); returns their ids. */
  claimCards(runId: string, pickIds: readonly string[], now: Date): Promise<Set<string>>;
  /** Writes the scan's decisions to the journal, linked to the audit chain (absent: not journalled). */
  recordDecisions?(run: { runId: string; asOf: string; at: Date }, rows: readonly DecisionRow[]): Promise<void>;
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
  /** KR: ETFs left out as leveraged or inverse (or of unknown leverage) without `allowLeveraged`. */
  leveragedLeftOut?: string[];
}

/**
 * Starts a scan run of one market (default US): refuses while the default data
 * is loading or when the market has none stored, takes the latest session any
 * of its symbols has and the symbols current at it (KR: leveraged and inverse
 * ETFs only when allowed), records the run and splits the symbols into chunks.
 */
export async function startScanRun(
  ports: { data: ScanData; seeding: SeedingState; runs: Pick<ScanRuns, 'createRun'> },
  run: { id: string; requestedBy: number; chatId: number; strategies: string[]; market?: MarketId },
  chunkSize: number,
  kr: KrScanSettings = {},
): Promise<ScanPlan> {
  if (await ports.seeding.isSeeding()) throw new ScanNotReadyError('seeding');
  const market = run.market ?? 'US';
  const dated = (await ports.data.members(market)).filter((m) => m.lastDate !== null);
  if (dated.length === 0) throw new ScanNotReadyError('no-data');
  const asOf = dated.reduce((a, m) => (m.lastDate! > a ? m.lastDate! : a), dated[0]!.lastDate!);
  const atAsOf = dated.filter((m) => m.lastDate === asOf);
  const allowLeveraged = kr.allowLeveraged ?? false;
  const current = market === 'KR' ? atAsOf.filter((m) => krLeverageAllowed(m, allowLeveraged)) : atAsOf;
  const leveragedLeftOut = market === 'KR' ? atAsOf.filter((m) => !krLeverageAllowed(m, allowLeveraged)).map((m) => m.symbol) : [];
  const demo = current.some((m) => m.demo);
  await ports.runs.createRun({ ...run, market, asOf, symbols: current.length, demo });
  const chunks: string[][] = [];
  for (let i = 0; i < current.length; i += chunkSize) chunks.push(current.slice(i, i + chunkSize).map((m) => m.symbol));
  return { asOf, symbols: current.length, demo, chunks, ...(leveragedLeftOut.length ? { leveragedLeftOut } : {}) };
}

/** What one chunk of a scan found. */
export interface ScanChunkOutcome {
  evaluated: number;
  /** Symbols skipped (stale, too short a history, or sessions missing in every strategy's look-back). */
  skipped: number;
  /**
   * Sources left out of a symbol because its bars miss calendar sessions inside the look-back the
   * source needs (each with the missing count and the first and last missing session); the
   * finishing scan writes them to the decision journal. Absent: none.
   */
  gaps?: ScanGap[];
  /** The Kobe strategies' signals, then the LIVE hypotheses' (source `hyp:<id>`). */
  signals: Signal[];
  /** LIVE hypotheses left out of the chunk (their stored parameters fail their family's schema). */
  problems?: HypothesisScanProblem[];
}

/** The scan's view of a LIVE hypothesis (its signals; the sizing figures are read when the scan finishes). */
export function scanHypothesisOf(h: LiveHypothesis): ScanHypothesis {
  return { id: h.id, family: h.family, params: h.params, exits: h.exits };
}

/**
 * Evaluates the strategies, and each LIVE hypothesis in `hypotheses`, on the
 * last bar (as of `asOf`) of each symbol of one chunk.
 *
 * A source whose look-back (in sessions of the exchange calendar, up to `asOf`) misses a session
 * in a symbol's bars does not evaluate that symbol: the gap is in `gaps`. The calendar's sessions
 * are computed once per chunk, as far back as the longest look-back; each symbol then costs a
 * binary search and one walk over its window.
 */
export async function scanChunk(
  data: ScanData,
  symbols: readonly string[],
  asOf: string,
  strategies: readonly StrategyId[],
  hypotheses: readonly ScanHypothesis[] = [],
  scope: { market: MarketId; kr?: KrScanSettings } = { market: 'US' },
): Promise<ScanChunkOutcome> {
  const loaded = [...(await data.load(symbols)).values()];
  // KR liquidity is the 20-session average traded value in won; a thinner ETF is skipped like a stale one.
  const split = scope.market === 'KR' ? splitByTradedValue(loaded, asOf, scope.kr?.minTradedValueKr ?? DEFAULT_MIN_TRADED_VALUE_KR) : { liquid: loaded, thin: [] };
  const series = split.liquid;
  const thin = split.thin.length;
  const windows = hypotheses.map((h) => ({ h, lookback: hypothesisLookback(h) }));
  const longest = Math.max(...strategies.map((id) => strategyLookback(id)), ...windows.map((w) => w.lookback ?? 0));
  const calendar = { sessions: scope.market === 'KR' ? krxSessionsEndingAt(asOf, longest) : sessionsEndingAt(asOf, longest) };
  // KR: levels from the raw values onto the KRX ETF tick of the session (whole won: buy down, sells
  // up), reasons in won, and no dollar minimum price (kr-scan.ts).
  const kr = scope.market === 'KR';
  const rules = kr ? KR_SCAN_RULES : {};
  const out = scanLatest(series, asOf, strategies, kr ? krStrategyParams(strategies, scope.kr) : {}, calendar, rules);
  const gaps = [...out.gaps];
  const withGaps = (o: Omit<ScanChunkOutcome, 'gaps'>): ScanChunkOutcome => (gaps.length ? { ...o, gaps } : o);
  if (hypotheses.length === 0) return withGaps({ evaluated: out.evaluated, skipped: out.skipped.length + thin, signals: out.signals });
  // A hypothesis runs on the symbols whose window it finds whole; those that all find every window whole run together (the usual case: one pass).
  const current = series.filter((s) => s.dates[s.dates.length - 1] === asOf);
  const whole: ScanHypothesis[] = [];
  const partial: { h: ScanHypothesis; series: typeof series }[] = [];
  for (const { h, lookback } of windows) {
    const kept = current.filter((s) => {
      const gap = lookback === null ? null : windowGap(calendar.sessions, s.dates, asOf, lookback);
      if (gap) gaps.push({ symbol: s.symbol, source: hypothesisSourceId(h.id), asOf, lookback: lookback!, ...gap });
      return gap === null;
    });
    if (kept.length === current.length) whole.push(h);
    else partial.push({ h, series: kept });
  }
  const runs = [scanHypotheses(current, asOf, whole, rules.levels, rules.numbers), ...partial.map((p) => scanHypotheses(p.series, asOf, [p.h], rules.levels, rules.numbers))];
  const hypSignals = runs.flatMap((r) => r.signals);
  const problems = runs.flatMap((r) => r.problems);
  return withGaps({ evaluated: out.evaluated, skipped: out.skipped.length + thin, signals: [...out.signals, ...hypSignals], ...(problems.length ? { problems } : {}) });
}

/**
 * Whether a scan of `strategies` also runs the market's LIVE hypotheses:
 * a full scan (/scan, /scan all, the scheduled scans) does; a scan the user
 * narrowed to one Kobe strategy (/scan donchian) gets only that strategy.
 */
export function scansHypotheses(strategies: readonly StrategyId[], all: readonly StrategyId[]): boolean {
  return all.every((s) => strategies.includes(s));
}

/** A finished scan, in figures. */
export interface ScanSummary {
  evaluated: number;
  skipped: number;
  /** Signals found, all strategies. */
  signals: number;
  /** Signals per requested strategy, in the order requested, then per LIVE hypothesis that signalled (`hyp:<id>`). */
  byStrategy: { strategy: SignalSourceId; signals: number }[];
  /** The best picks (at most `topN`), best first: new cards, and the held ones (see {@link ScanTopPick}). */
  top: ScanTopPick[];
  /**
   * With `deferJournal`: writes the scan's decision rows (null when the journal is off). The caller
   * runs it after posting the cards, so the journal never delays them; a failure fails the caller's
   * job, whose retry computes the same rows (picks and this run's card claims are idempotent).
   */
  journal?: (() => Promise<void>) | null;
}

/** What a finishing scan reads besides its chunks: the bars' DEMO flags, the LIVE hypotheses (sizing), the account (caps). */
export interface FinishScanPorts {
  data: ScanData;
  runs: Pick<ScanRuns, 'upsertPicks' | 'finishRun' | 'claimCards' | 'recordDecisions'>;
  /** The market's LIVE hypotheses; without it, hypothesis signals are dropped (no new risk without a sizing). */
  hypotheses?: LiveHypothesisSource;
  /** Cash and session risk for half-Kelly's caps; without it, {@link assumedAccount}. */
  account?: ScanAccount;
}

/**
 * Sizes each signal by its source: a LIVE hypothesis by half-Kelly from its
 * shadow book's closed R and its open notional; a Kobe strategy by the fixed
 * policy, or by half-Kelly (no estimate: 0.25 %) under KOBE_SIZING=kelly.
 * A hypothesis signal whose hypothesis is not LIVE any more is dropped.
 */
export function sizeSignals(
  signals: readonly Signal[],
  live: ReadonlyMap<string, LiveHypothesis>,
  settings: Pick<ScanSettings, 'sizing' | 'kobeSizing'>,
  account: { cashAvailable: number; sessionRiskUsed: number },
): SizedSignal[] {
  const { equity, maxPositionFraction } = settings.sizing;
  const caps = { equity, maxPositionPct: maxPositionFraction * 100, ...account };
  const out: SizedSignal[] = [];
  for (const signal of signals) {
    if (isHypothesisSource(signal.strategy)) {
      const h = live.get(hypothesisIdOf(signal.strategy)!);
      if (!h) continue;
      out.push({ signal, source: sizeKellySource(signal, { ...caps, closedR: h.closedR, openNotional: h.openNotional }, h.family) });
    } else if (settings.kobeSizing === 'kelly') {
      out.push({ signal, source: sizeKellySource(signal, { ...caps, closedR: [], openNotional: 0 }) });
    } else {
      out.push({ signal, source: sizeFixedSource(signal, settings.sizing) });
    }
  }
  return out;
}

/**
 * Finishes a scan run from its chunks' outcomes: sizes every signal by its
 * source, merges them into one pick per (symbol, session) that trades the
 * smallest size among its sources, ranks and stores the picks (expiring
 * after the TTL or at the session close) and closes the run with the ids of
 * the top picks.
 */
export async function finishScanRun(
  ports: FinishScanPorts,
  settings: Pick<ScanSettings, 'topN' | 'pickTtlMs' | 'sizing' | 'kobeSizing' | 'market' | 'journal' | 'kr'>,
  run: { id: string; strategies: readonly StrategyId[]; chunks: readonly ScanChunkOutcome[]; market?: MarketId },
  nowMs: number,
  opts: { deferJournal?: boolean } = {},
): Promise<ScanSummary> {
  const market = run.market ?? settings.market ?? 'US';
  const evaluated = run.chunks.reduce((a, v) => a + v.evaluated, 0);
  const skipped = run.chunks.reduce((a, v) => a + v.skipped, 0);
  const signals = run.chunks.flatMap((v) => v.signals);
  const gaps = run.chunks.flatMap((v) => v.gaps ?? []);
  const wantsLive = signals.some((s) => isHypothesisSource(s.strategy));
  const live = wantsLive && ports.hypotheses ? await ports.hypotheses.live(market) : [];
  // A KR pick is sized in won; the account port reads the US broker (dollars), so KR caps assume an all-cash account.
  const sizing = market === 'KR' ? krSizing(settings.kr, settings.sizing) : settings.sizing;
  const account = market === 'US' && ports.account ? await ports.account.snapshot() : assumedAccount(sizing.equity);
  const sized = sizeSignals(signals, new Map(live.map((h) => [h.id, h])), { ...settings, sizing }, account);
  const merged = mergePickSources(sized);
  const demoSymbols = new Set((await ports.data.members(market)).filter((m) => m.demo).map((m) => m.symbol));
  const toStore: PickToStore[] = merged.map((m) => ({ signal: m.signal, size: { qty: m.qty, dollarRisk: m.dollarRisk }, demo: demoSymbols.has(m.signal.symbol), sources: m.sources, market }));
  const expiry = market === 'KR' ? krPickExpiry(nowMs, settings.pickTtlMs) : pickExpiry(nowMs, settings.pickTtlMs);
  const stored = await ports.runs.upsertPicks(run.id, toStore, expiry);
  const best = stored.slice(0, settings.topN);
  // A re-scan posts only what its chat has not seen: a live card is never posted twice, a decided pick never again.
  const fresh = await ports.runs.claimCards(run.id, best.map((p) => p.id), new Date(nowMs));
  const top = best.map((p) => ({ ...p, held: !fresh.has(p.id) }));
  // A journal write that fails fails the finish, whose retry redoes it (the picks' upsert and this
  // run's card claims are idempotent, so the rows come out the same): no scan goes unjournalled.
  const record = ports.runs.recordDecisions;
  const journal =
    settings.journal !== false && record
      ? () => record.call(ports.runs, { runId: run.id, asOf: signals[0]?.date ?? stored[0]?.sessionDate ?? gaps[0]?.asOf ?? '', at: new Date(nowMs) }, scanDecisions({ signals, sized, merged, stored, topN: settings.topN, fresh, gaps }))
      : null;
  if (journal && !opts.deferJournal) await journal();
  const counted = sized.map((s) => s.signal.strategy);
  await ports.runs.finishRun(run.id, { evaluated, signals: counted.length, summary: { skipped, top: top.map((s) => s.id), held: top.filter((t) => t.held).map((t) => t.id) } });
  const hypSources = [...new Set(counted.filter(isHypothesisSource))].sort(compareSources);
  return {
    evaluated,
    skipped,
    signals: counted.length,
    byStrategy: [...run.strategies, ...hypSources].map((strategy) => ({ strategy, signals: counted.filter((c) => c === strategy).length })),
    top,
    ...(opts.deferJournal ? { journal } : {}),
  };
}

/** A pick with the bars its card's chart is drawn from (`held` picks get a summary line instead of a card). */
export interface PickWithBars {
  /** `name`: the listing's name where the market's universe knows it (KR ETFs). */
  pick: StoredPick & { held?: boolean; name?: string };
  series: BarSeries;
}

/** The bars of each pick (picks whose symbol has none are left out); KR picks also get their ETF's name. */
export async function withBars(data: ScanData, picks: readonly (StoredPick & { held?: boolean })[], market: MarketId = 'US'): Promise<PickWithBars[]> {
  if (picks.length === 0) return [];
  const series = await data.load(picks.map((p) => p.symbol));
  const names = market === 'KR' ? new Map((await data.members('KR')).flatMap((m) => (m.name ? [[m.symbol, m.name] as const] : []))) : null;
  return picks.flatMap((pick) => {
    const s = series.get(pick.symbol);
    const name = names?.get(pick.symbol);
    return s ? [{ pick: name ? { ...pick, name } : pick, series: s }] : [];
  });
}

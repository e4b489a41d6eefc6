import type { BarSeries } from '../bars.js';
import { windowGap } from '../data-quality/gaps.js';
import type { Signal, SignalSourceId, StrategyId } from '../signal.js';
import { strategyById, type ReasonNumbers } from '../strategies/index.js';
import { levelsOnTick } from './levels.js';

/** Why a symbol produced no evaluation in a scan. */
export interface ScanSkip {
  symbol: string;
  reason: 'stale' | 'too_short' | 'missing_session';
  detail: string;
}

/**
 * A source that did not evaluate a symbol because the symbol's bars miss calendar sessions inside
 * the look-back that source needs (its window of `lookback` sessions ending at `asOf`).
 */
export interface ScanGap {
  symbol: string;
  /** A Kobe strategy, a LIVE hypothesis (`hyp:<id>`), or `all`: none of the scan's strategies ran on it. */
  source: SignalSourceId | 'all';
  /** The session the scan is as of. */
  asOf: string;
  /** Sessions the source looks back (for `all`, the longest of the strategies'). */
  lookback: number;
  /** Sessions of that window without a bar, and the first and last of them. */
  count: number;
  first: string;
  last: string;
}

export interface ScanOutcome {
  signals: Signal[];
  skipped: ScanSkip[];
  evaluated: number;
  /** Strategies left out of a symbol for a gap in their window (with `calendar` only). */
  gaps: ScanGap[];
}

/** The exchange calendar a scan checks windows against: the sessions up to `asOf`, reaching at least the longest look-back back. */
export interface ScanCalendar {
  sessions: readonly string[];
}

/**
 * What a scan of another market than the US does differently; every field defaults to the US.
 * The engine knows no market: the caller passes its rules.
 */
export interface ScanMarketRules {
  /**
   * Puts a signal's raw levels (close, stop, target) on the market's tick grid. Default
   * {@link levelsOnTick} (the US cent grid, nearest). It gets the strategies' raw values: rounding
   * to cents first and then to another grid would double-round (a level a hair above a won step
   * would land on the cent, then on the wrong step).
   */
  levels?: <S extends Signal>(signal: S) => S;
  /** How the reasons write prices (default US, 2 decimals). */
  numbers?: ReasonNumbers;
}

/** Sessions a strategy's signal at a bar reads: every bar from its first valid index to the bar. */
export function strategyLookback(id: StrategyId, params: object = {}): number {
  const def = strategyById(id);
  return def.firstValidIndex(def.resolveParams(params)) + 1;
}

/**
 * Evaluates each strategy on the last bar of each series, as of `asOf` (the
 * session whose close the scan uses). A series whose last bar is not `asOf`
 * is skipped as stale rather than trading on old data. Signals come out with
 * their entry, stop and target on the tick ({@link levelsOnTick}, or `rules.levels`), their
 * reasons written with `rules.numbers`.
 *
 * With `calendar`, a strategy whose look-back window ({@link strategyLookback} sessions up to
 * `asOf`) misses a session on or after the symbol's first bar does not evaluate that symbol: its
 * indicators would span a hole. The gap is reported per strategy, or once as `all` (and the
 * symbol skipped as `missing_session`) when no strategy is left. The sessions are computed once
 * by the caller; each symbol costs a binary search and a walk over its window.
 */
export function scanLatest(
  series: readonly BarSeries[],
  asOf: string,
  strategies: readonly StrategyId[],
  params: Partial<Record<StrategyId, object>> = {},
  calendar?: ScanCalendar,
  rules: ScanMarketRules = {},
): ScanOutcome {
  const onTick = rules.levels ?? levelsOnTick;
  const defs = strategies.map((id) => {
    const def = strategyById(id);
    const p = def.resolveParams(params[id] ?? {});
    return { id, def, p, lookback: def.firstValidIndex(p) + 1 };
  });
  const longest = defs.reduce((a, d) => (d.lookback > a.lookback ? d : a), defs[0]!);
  const signals: Signal[] = [];
  const skipped: ScanSkip[] = [];
  const gaps: ScanGap[] = [];
  let evaluated = 0;
  for (const s of series) {
    const last = s.dates[s.dates.length - 1];
    if (last !== asOf) {
      skipped.push({ symbol: s.symbol, reason: 'stale', detail: `last bar ${last ?? 'none'}, scan is as of ${asOf}` });
      continue;
    }
    const minBars = Math.max(...defs.map((d) => d.def.firstValidIndex(d.p) + 1));
    if (s.dates.length < minBars) {
      skipped.push({ symbol: s.symbol, reason: 'too_short', detail: `${s.dates.length} bars, need ${minBars}` });
      continue;
    }
    let run = defs;
    // The longest window holds every shorter one: whole there, whole everywhere (the common case, one walk).
    const widest = calendar ? windowGap(calendar.sessions, s.dates, asOf, longest.lookback) : null;
    if (widest) {
      const own = defs.map((d) => ({ d, gap: d === longest ? widest : windowGap(calendar!.sessions, s.dates, asOf, d.lookback) }));
      run = own.filter((o) => o.gap === null).map((o) => o.d);
      if (run.length === 0) {
        skipped.push({ symbol: s.symbol, reason: 'missing_session', detail: `${widest.count} session(s) without a bar in the last ${longest.lookback} (${widest.first} … ${widest.last})` });
        gaps.push({ symbol: s.symbol, source: 'all', asOf, lookback: longest.lookback, ...widest });
        continue;
      }
      for (const o of own) if (o.gap) gaps.push({ symbol: s.symbol, source: o.d.id, asOf, lookback: o.d.lookback, ...o.gap });
    }
    evaluated++;
    for (const { def, p } of run) {
      const sig = def.latestSignal(s, p, rules.numbers);
      if (sig) signals.push(onTick(sig));
    }
  }
  return { signals, skipped, evaluated, gaps };
}

/** Best first: score descending, then symbol and strategy for a stable order. */
export function rankSignals(signals: readonly Signal[]): Signal[] {
  return [...signals].sort((a, b) => b.score - a.score || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) || (a.strategy < b.strategy ? -1 : a.strategy > b.strategy ? 1 : 0));
}

import type { BarSeries } from '../bars.js';
import type { Signal, StrategyId } from '../signal.js';
import { strategyById } from '../strategies/index.js';
import { levelsOnTick } from './levels.js';

/** Why a symbol produced no evaluation in a scan. */
export interface ScanSkip {
  symbol: string;
  reason: 'stale' | 'too_short';
  detail: string;
}

export interface ScanOutcome {
  signals: Signal[];
  skipped: ScanSkip[];
  evaluated: number;
}

/**
 * Evaluates each strategy on the last bar of each series, as of `asOf` (the
 * session whose close the scan uses). A series whose last bar is not `asOf`
 * is skipped as stale rather than trading on old data. Signals come out with
 * their entry, stop and target on the tick ({@link levelsOnTick}).
 */
export function scanLatest(series: readonly BarSeries[], asOf: string, strategies: readonly StrategyId[], params: Partial<Record<StrategyId, object>> = {}): ScanOutcome {
  const defs = strategies.map((id) => {
    const def = strategyById(id);
    return { def, p: def.resolveParams(params[id] ?? {}) };
  });
  const signals: Signal[] = [];
  const skipped: ScanSkip[] = [];
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
    evaluated++;
    for (const { def, p } of defs) {
      const sig = def.latestSignal(s, p);
      if (sig) signals.push(levelsOnTick(sig));
    }
  }
  return { signals, skipped, evaluated };
}

/** Best first: score descending, then symbol and strategy for a stable order. */
export function rankSignals(signals: readonly Signal[]): Signal[] {
  return [...signals].sort((a, b) => b.score - a.score || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0) || (a.strategy < b.strategy ? -1 : a.strategy > b.strategy ? 1 : 0));
}

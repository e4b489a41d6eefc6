import type { BarSeries } from '../bars.js';
import type { ReasonNumbers } from '../strategies/format.js';
import type { HypothesisExits } from '../hypotheses/definition.js';
import { hypothesisSignals } from '../hypotheses/signals.js';
import { IndicatorCache } from '../indicators/cache.js';
import { familyById } from '../patterns/registry.js';
import type { FamilyId } from '../patterns/types.js';
import { hypothesisSourceId, type Signal } from '../signal.js';
import { levelsOnTick } from './levels.js';

/** What a scan needs of a LIVE hypothesis to find its signals: its family, its fixed parameters and its exits. */
export interface ScanHypothesis {
  /** Short id, e.g. `h1a2b3c4`: its signals' source is `hyp:<id>`. */
  id: string;
  family: FamilyId;
  /** The parameters chosen on its latest training window (fixed). */
  params: Readonly<Record<string, unknown>>;
  exits: Readonly<HypothesisExits>;
}

/** A hypothesis the scan could not evaluate (its stored parameters fail its family's schema), and why. */
export interface HypothesisScanProblem {
  id: string;
  error: string;
}

/**
 * The signals of each hypothesis on the last bar of each series, as of
 * `asOf`. A series whose last bar is not `asOf` is stale and skipped (as
 * {@link scanLatest} does). Each signal's source is `hyp:<id>`, never the
 * family id (families `donchian` and `turtle_soup` share the Kobe
 * strategies' ids), its first reason names the hypothesis, and its levels
 * are on the tick ({@link levelsOnTick}, or `levels`: the scanned market's rule, given the raw
 * levels). Parameters that fail the family's schema leave that
 * hypothesis out with the error (a scan is never stopped by one bad row).
 */
export function scanHypotheses(
  series: readonly BarSeries[],
  asOf: string,
  hypotheses: readonly ScanHypothesis[],
  levels: <S extends Signal>(signal: S) => S = levelsOnTick,
  numbers?: ReasonNumbers,
): { signals: Signal[]; problems: HypothesisScanProblem[] } {
  const problems: HypothesisScanProblem[] = [];
  const ready: { h: ScanHypothesis; family: ReturnType<typeof familyById>; params: object }[] = [];
  for (const h of hypotheses) {
    try {
      const family = familyById(h.family);
      ready.push({ h, family, params: family.validateParams(h.params) });
    } catch (err) {
      problems.push({ id: h.id, error: err instanceof Error ? err.message : String(err) });
    }
  }
  const signals: Signal[] = [];
  if (ready.length === 0) return { signals, problems };
  for (const s of series) {
    const last = s.dates.length - 1;
    if (last < 0 || s.dates[last] !== asOf) continue;
    const cache = new IndicatorCache(s);
    for (const { h, family, params } of ready) {
      const label = `Hypothesis ${h.id} (${family.title})`;
      const all = hypothesisSignals(s, family, params, h.exits, { label, cache, ...(numbers ? { numbers } : {}) });
      const sig = all[all.length - 1];
      if (sig && sig.index === last) signals.push(levels({ ...sig, strategy: hypothesisSourceId(h.id) }));
    }
  }
  return { signals, problems };
}

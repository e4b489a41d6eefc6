/**
 * Per-family grid specs for the hypothesis generator: which parameters a
 * hypothesis's grid varies (at most two axes, at most 12 points), an ordered
 * list of candidate centres (tried in this order, so the generator is
 * deterministic) and the exit rules the family trades with.
 *
 * Steps are sized so neighbouring grid points differ meaningfully without
 * leaving the family's idea (a 5-bar step on a 20-bar lookback, 0.05 on an
 * IBS threshold). Centres are complete parameter sets: defaults first, then
 * variants a researcher would try next.
 */
import type { FamilyId } from '../patterns/types.js';
import type { HypothesisExits } from './definition.js';

/** One grid axis: values are centre ± k·step (k around 0), clipped to the family's valid range. */
export interface GridAxisSpec {
  readonly param: string;
  /** Distance between neighbouring values (> 0). */
  readonly step: number;
  /** Values on the axis: 3 = centre and one step either side; 4 adds centre + 2·step. */
  readonly points: 3 | 4;
}

/** How the generator builds a family's hypotheses. */
export interface FamilyGridSpec {
  /** At most two axes whose point counts multiply to at most 12. */
  readonly axes: readonly GridAxisSpec[];
  /** Candidate centres in the order the generator tries them; each a complete params object valid for the family. */
  readonly centres: readonly Readonly<Record<string, number | boolean | null>>[];
  readonly exits: Readonly<HypothesisExits>;
}

/** Short holds for patterns that buy weakness: a wider stop, out within a week, no target (the bounce is the exit). */
const MEAN_REVERSION_EXITS: Readonly<HypothesisExits> = Object.freeze({
  atrPeriod: 14,
  stopAtr: 2.5,
  timeStopBars: 5,
  targetAtr: null,
});

/** Longer holds for patterns that buy strength: a 2-ATR stop, a month to work, a 4-ATR target (2R). */
const TREND_EXITS: Readonly<HypothesisExits> = Object.freeze({
  atrPeriod: 14,
  stopAtr: 2,
  timeStopBars: 20,
  targetAtr: 4,
});

/**
 * The Kobe strategies' own exits (2-ATR stop, 5-bar time stop, no target),
 * so a donchian or turtle_soup hypothesis at its default centre trades the
 * Kobe rule exactly; the same values sit in their centres' exit params.
 */
const KOBE_EXITS: Readonly<HypothesisExits> = Object.freeze({
  atrPeriod: 14,
  stopAtr: 2,
  timeStopBars: 5,
  targetAtr: null,
});

const DONCHIAN_EXIT_PARAMS = { atrPeriod: 14, stopAtrMult: 2, timeStopBars: 5, targetR: null } as const;

function spec(axes: GridAxisSpec[], centres: Record<string, number | boolean | null>[], exits: Readonly<HypothesisExits>): FamilyGridSpec {
  return Object.freeze({
    axes: Object.freeze(axes.map((a) => Object.freeze({ ...a }))),
    centres: Object.freeze(centres.map((c) => Object.freeze({ ...c }))),
    exits,
  });
}

// Typed by FamilyId so a new family cannot be registered without its grid.
const SPECS: Record<FamilyId, FamilyGridSpec> = {
  momentum: spec(
    [
      { param: 'lookback', step: 5, points: 3 },
      { param: 'minChangePct', step: 2, points: 3 },
    ],
    [
      { lookback: 20, minChangePct: 10 },
      { lookback: 60, minChangePct: 15 },
      { lookback: 10, minChangePct: 5 },
      { lookback: 120, minChangePct: 20 },
      { lookback: 40, minChangePct: 10 },
      { lookback: 250, minChangePct: 30 },
    ],
    TREND_EXITS,
  ),
  down_closes: spec(
    [
      { param: 'downCloses', step: 1, points: 3 },
      { param: 'smaPeriod', step: 50, points: 3 },
    ],
    [
      { downCloses: 3, smaPeriod: 200 },
      { downCloses: 2, smaPeriod: 200 },
      { downCloses: 4, smaPeriod: 100 },
      { downCloses: 3, smaPeriod: 50 },
      { downCloses: 5, smaPeriod: 200 },
      { downCloses: 2, smaPeriod: 50 },
    ],
    MEAN_REVERSION_EXITS,
  ),
  rsi_oversold: spec(
    [
      { param: 'rsiPeriod', step: 1, points: 3 },
      { param: 'maxRsi', step: 5, points: 4 },
    ],
    [
      { rsiPeriod: 2, maxRsi: 10, smaPeriod: 200 },
      { rsiPeriod: 3, maxRsi: 15, smaPeriod: 200 },
      { rsiPeriod: 2, maxRsi: 5, smaPeriod: 100 },
      { rsiPeriod: 4, maxRsi: 20, smaPeriod: 200 },
      { rsiPeriod: 2, maxRsi: 10, smaPeriod: 50 },
      { rsiPeriod: 5, maxRsi: 25, smaPeriod: 200 },
    ],
    MEAN_REVERSION_EXITS,
  ),
  ibs_low: spec(
    [{ param: 'maxIbs', step: 0.05, points: 4 }],
    [
      { maxIbs: 0.2, smaPeriod: 200 },
      { maxIbs: 0.1, smaPeriod: 200 },
      { maxIbs: 0.2, smaPeriod: null },
      { maxIbs: 0.3, smaPeriod: 100 },
      { maxIbs: 0.15, smaPeriod: 50 },
      { maxIbs: 0.1, smaPeriod: null },
    ],
    MEAN_REVERSION_EXITS,
  ),
  high_breakout: spec(
    // 21 bars ≈ one trading month.
    [{ param: 'lookback', step: 21, points: 3 }],
    [{ lookback: 252 }, { lookback: 126 }, { lookback: 63 }, { lookback: 189 }, { lookback: 504 }],
    TREND_EXITS,
  ),
  volume_spike: spec(
    [
      { param: 'volumePeriod', step: 10, points: 3 },
      { param: 'minVolumeRatio', step: 0.5, points: 3 },
    ],
    [
      { volumePeriod: 20, minVolumeRatio: 2 },
      { volumePeriod: 50, minVolumeRatio: 3 },
      { volumePeriod: 20, minVolumeRatio: 1.5 },
      { volumePeriod: 50, minVolumeRatio: 2 },
      { volumePeriod: 20, minVolumeRatio: 3 },
      { volumePeriod: 10, minVolumeRatio: 2.5 },
    ],
    TREND_EXITS,
  ),
  ma_cross: spec(
    [
      { param: 'fastPeriod', step: 10, points: 3 },
      { param: 'slowPeriod', step: 50, points: 3 },
    ],
    // Every centre keeps fast + step below slow − step, so every grid point has fast < slow.
    [
      { fastPeriod: 50, slowPeriod: 200 },
      { fastPeriod: 20, slowPeriod: 100 },
      { fastPeriod: 10, slowPeriod: 50 },
      { fastPeriod: 100, slowPeriod: 300 },
      { fastPeriod: 30, slowPeriod: 150 },
      { fastPeriod: 20, slowPeriod: 200 },
    ],
    TREND_EXITS,
  ),
  nr_breakout: spec(
    [{ param: 'nrBars', step: 1, points: 4 }],
    [{ nrBars: 7 }, { nrBars: 4 }, { nrBars: 10 }, { nrBars: 14 }, { nrBars: 20 }],
    TREND_EXITS,
  ),
  turn_of_month: spec(
    [{ param: 'tradingDay', step: 1, points: 3 }],
    [{ tradingDay: 1 }, { tradingDay: 3 }, { tradingDay: 5 }, { tradingDay: 8 }],
    // The turn-of-month effect lasts days, not weeks.
    MEAN_REVERSION_EXITS,
  ),
  bollinger_squeeze: spec(
    [
      { param: 'stdDevs', step: 0.5, points: 3 },
      { param: 'squeezeLookback', step: 20, points: 3 },
    ],
    [
      { period: 20, stdDevs: 2, squeezeLookback: 120 },
      { period: 20, stdDevs: 2, squeezeLookback: 60 },
      { period: 10, stdDevs: 1.5, squeezeLookback: 120 },
      { period: 30, stdDevs: 2.5, squeezeLookback: 120 },
      { period: 20, stdDevs: 2, squeezeLookback: 250 },
    ],
    TREND_EXITS,
  ),
  gap_down_reversal: spec(
    [{ param: 'minGapPct', step: 0.5, points: 4 }],
    [{ minGapPct: 2 }, { minGapPct: 1 }, { minGapPct: 3 }, { minGapPct: 5 }],
    MEAN_REVERSION_EXITS,
  ),
  donchian: spec(
    [
      { param: 'lookback', step: 5, points: 3 },
      { param: 'smaPeriod', step: 50, points: 3 },
    ],
    [
      { lookback: 55, smaPeriod: 200, minPrice: 5, ...DONCHIAN_EXIT_PARAMS },
      { lookback: 20, smaPeriod: 200, minPrice: 5, ...DONCHIAN_EXIT_PARAMS },
      { lookback: 100, smaPeriod: 200, minPrice: 5, ...DONCHIAN_EXIT_PARAMS },
      { lookback: 40, smaPeriod: 100, minPrice: 5, ...DONCHIAN_EXIT_PARAMS },
      { lookback: 55, smaPeriod: 200, minPrice: 10, ...DONCHIAN_EXIT_PARAMS },
    ],
    KOBE_EXITS,
  ),
  turtle_soup: spec(
    [
      { param: 'lookback', step: 5, points: 3 },
      { param: 'minBarsSinceLow', step: 1, points: 3 },
    ],
    // minBarsSinceLow + 1 <= lookback − 5 at every centre, so every grid point keeps minBarsSinceLow <= lookback.
    [
      { lookback: 20, minBarsSinceLow: 4, smaPeriod: 200, minPrice: 10, maxIbs: null, ...DONCHIAN_EXIT_PARAMS },
      { lookback: 10, minBarsSinceLow: 3, smaPeriod: 200, minPrice: 10, maxIbs: null, ...DONCHIAN_EXIT_PARAMS },
      { lookback: 30, minBarsSinceLow: 5, smaPeriod: 200, minPrice: 10, maxIbs: null, ...DONCHIAN_EXIT_PARAMS },
      { lookback: 20, minBarsSinceLow: 4, smaPeriod: 200, minPrice: 10, maxIbs: 0.3, ...DONCHIAN_EXIT_PARAMS },
      { lookback: 20, minBarsSinceLow: 4, smaPeriod: 100, minPrice: 5, maxIbs: null, ...DONCHIAN_EXIT_PARAMS },
    ],
    KOBE_EXITS,
  ),
};

/**
 * The grid spec of every family, by id. Specs exist for all 13 families
 * (the nine in src/engine/patterns plus bollinger_squeeze, gap_down_reversal,
 * donchian and turtle_soup); a spec is only used once its family is in the
 * pattern registry.
 */
export const FAMILY_GRID_SPECS: Readonly<Record<FamilyId, FamilyGridSpec>> = Object.freeze(SPECS);

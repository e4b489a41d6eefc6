import fc from 'fast-check';
import { type Bar, type BarSeries, toSeries } from '../../../../../src/engine/bars.js';

/** Options for {@link barSeriesArb}. */
export interface BarSeriesArbOptions {
  minLength?: number;
  maxLength?: number;
  /**
   * Round every price to this tick (1/tick must be an integer). Coarse ticks
   * make equal highs/lows and zero-range bars common, which is where
   * tie-breaking bugs hide.
   */
  tick?: number;
  /** Lowest starting price. */
  minStart?: number;
  /**
   * 'walk' (default): a plain ±6% random walk. 'wicky': a driftless ±1% walk
   * with occasional deep lower wicks and closes between the mid price and the
   * high — the shape of sweep-and-reclaim bars, which a plain walk almost
   * never produces.
   */
  shape?: 'walk' | 'wicky';
}

const walkStepArb = fc.record({
  ret: fc.double({ min: -0.06, max: 0.06, noNaN: true }),
  up: fc.double({ min: 0, max: 0.04, noNaN: true }),
  down: fc.double({ min: 0, max: 0.04, noNaN: true }),
  openPos: fc.double({ min: 0, max: 1, noNaN: true }),
  closePos: fc.double({ min: 0, max: 1, noNaN: true }),
  volume: fc.integer({ min: 0, max: 5_000_000 }),
  closeFromMid: fc.constant<boolean>(false),
});

const wickyStepArb = fc.record({
  ret: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
  up: fc.double({ min: 0, max: 0.01, noNaN: true }),
  // Mostly shallow lows, sometimes a deep wick that undercuts the recent lows.
  down: fc.oneof(
    { weight: 6, arbitrary: fc.double({ min: 0, max: 0.01, noNaN: true }) },
    { weight: 1, arbitrary: fc.double({ min: 0.03, max: 0.1, noNaN: true }) },
  ),
  openPos: fc.double({ min: 0, max: 1, noNaN: true }),
  closePos: fc.double({ min: 0, max: 1, noNaN: true }),
  volume: fc.integer({ min: 0, max: 5_000_000 }),
  // Close between the pre-wick mid price and the high: the wick is rejected.
  closeFromMid: fc.constant<boolean>(true),
});

type Step = typeof walkStepArb extends fc.Arbitrary<infer T> ? T : never;

function stepArb(shape: BarSeriesArbOptions['shape']): fc.Arbitrary<Step> {
  return shape === 'wicky' ? wickyStepArb : walkStepArb;
}

/** Turns random-walk steps into valid OHLCV rows (low <= open, close <= high). */
export function stepsToBars(start: number, steps: readonly Step[], tick = 0): Bar[] {
  // Divide by the integer 1/tick so prices are the canonical doubles of their
  // decimals (x·0.01 can land an ulp off, creating spreads no real feed has).
  const inv = tick > 0 ? Math.round(1 / tick) : 0;
  const round = (x: number) => (tick > 0 ? Math.max(1, Math.round(x * inv)) / inv : x);
  let mid = start;
  return steps.map((s, i) => {
    mid = Math.max(0.5, mid * (1 + s.ret));
    const hi = mid * (1 + s.up);
    const lo = mid * (1 - s.down);
    let open = round(lo + s.openPos * (hi - lo));
    let close = round(s.closeFromMid ? mid + s.closePos * (hi - mid) : lo + s.closePos * (hi - lo));
    const high = Math.max(round(hi), open, close);
    const low = Math.min(round(lo), open, close);
    open = Math.min(Math.max(open, low), high);
    close = Math.min(Math.max(close, low), high);
    const day = new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10);
    return { date: day, open, high, low, close, volume: s.volume };
  });
}

/**
 * Random but well-formed daily bar series. Lengths are uniform up to
 * maxLength (`size: 'max'`): fast-check's default size caps arrays at ~10
 * elements, which would leave long-period indicators in warm-up throughout.
 */
export function barSeriesArb(opts: BarSeriesArbOptions = {}): fc.Arbitrary<BarSeries> {
  const { minLength = 1, maxLength = 300, tick = 0, minStart = 5, shape } = opts;
  return fc
    .tuple(fc.double({ min: minStart, max: 500, noNaN: true }), fc.array(stepArb(shape), { minLength, maxLength, size: 'max' }))
    .map(([start, steps]) => toSeries('TEST', stepsToBars(start, steps, tick)));
}

/**
 * A series, a cut index t inside it and a replacement for every bar after t:
 * the raw material for "changing the future never changes the past" tests.
 */
export function seriesWithAlteredFutureArb(
  opts: BarSeriesArbOptions = {},
): fc.Arbitrary<{ original: BarSeries; altered: BarSeries; t: number }> {
  return fc
    .tuple(
      barSeriesArb(opts),
      fc.nat(),
      fc.double({ min: 1, max: 500, noNaN: true }),
      fc.array(stepArb(opts.shape), { maxLength: 300, size: 'max' }),
    )
    .map(([original, cut, start, steps]) => {
      const len = original.close.length;
      const t = cut % len;
      const tail = stepsToBars(start, steps.length > 0 ? steps : [], opts.tick ?? 0);
      const rows: Bar[] = [];
      for (let i = 0; i <= t; i++) {
        rows.push({
          date: original.dates[i]!,
          open: original.open[i]!,
          high: original.high[i]!,
          low: original.low[i]!,
          close: original.close[i]!,
          volume: original.volume[i]!,
        });
      }
      // Replace the future bar for bar (and sometimes change its length too).
      for (let i = 0; i < tail.length; i++) rows.push({ ...tail[i]!, date: `future-${i}` });
      return { original, altered: toSeries('TEST', rows), t };
    });
}

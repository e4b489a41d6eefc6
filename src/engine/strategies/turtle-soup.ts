import { z } from 'zod';
import type { BarSeries } from '../bars.js';
import { atrAt } from '../indicators/atr.js';
import { IndicatorCache } from '../indicators/cache.js';
import { donchianLowerAt } from '../indicators/donchian.js';
import { ibsValue } from '../indicators/ibs.js';
import { scratchInt32 } from '../indicators/scratch.js';
import { smaAt } from '../indicators/sma.js';
import type { Signal } from '../signal.js';
import { cmp, cmpPre, fmt, type ReasonNumbers } from './format.js';
import { describeParams, parseParamPairs, validateParams } from './params.js';
import type { StrategyDef } from './types.js';

/** Turtle Soup parameters (see {@link TURTLE_SOUP_DEFAULTS}). */
export const turtleSoupParamsSchema = z
  .strictObject({
    lookback: z.number().int().min(1).describe('integer >= 1: bars before the signal bar searched for the low'),
    minBarsSinceLow: z
      .number()
      .int()
      .min(1)
      .describe('integer >= 1 and <= lookback: the prior low must be at least this many bars old'),
    smaPeriod: z.number().int().min(1).describe('integer >= 1: trend filter SMA period'),
    minPrice: z.number().min(0).describe('number >= 0: minimum close'),
    atrPeriod: z.number().int().min(1).describe('integer >= 1: Wilder ATR period'),
    stopAtrMult: z.number().positive().describe('number > 0: stop distance in ATRs'),
    timeStopBars: z.number().int().min(1).describe('integer >= 1: exit after this many bars'),
    maxIbs: z.number().min(0).max(1).nullable().describe('number in [0, 1] or null: maximum IBS of the signal bar'),
    targetR: z.number().positive().nullable().describe('number > 0 or null: target in R multiples'),
  })
  // The low sits at most `lookback` bars back, so a larger minimum could never fire.
  .refine((p) => p.minBarsSinceLow <= p.lookback, {
    message: 'must be <= lookback',
    path: ['minBarsSinceLow'],
  });

/** Turtle Soup parameters. */
export type TurtleSoupParams = z.output<typeof turtleSoupParamsSchema>;

/** Defaults from the project design. */
export const TURTLE_SOUP_DEFAULTS: Readonly<TurtleSoupParams> = Object.freeze({
  lookback: 20,
  minBarsSinceLow: 4,
  smaPeriod: 200,
  minPrice: 10,
  atrPeriod: 14,
  stopAtrMult: 2,
  timeStopBars: 5,
  maxIbs: null,
  targetR: null,
});

function firstValidIndex(p: TurtleSoupParams): number {
  return Math.max(p.lookback, p.smaPeriod - 1, p.atrPeriod - 1);
}

/**
 * The entry rule, shared by every evaluation path. `lower` is the prior
 * `lookback`-bar low L and `lowerIndex` the most recent bar that set it. NaN
 * (warm-up) fails every comparison. ATR > 0 is implied by a sweep-and-reclaim
 * bar (it has a positive range) and guards against degenerate data.
 */
function qualifies(
  p: TurtleSoupParams,
  t: number,
  high: number,
  low: number,
  close: number,
  lower: number,
  lowerIndex: number,
  smaV: number,
  atrV: number,
): boolean {
  return (
    low < lower &&
    close > lower &&
    lowerIndex >= 0 &&
    t - lowerIndex >= p.minBarsSinceLow &&
    close > smaV &&
    close >= p.minPrice &&
    atrV > 0 &&
    (p.maxIbs === null || ibsValue(high, low, close) <= p.maxIbs)
  );
}

/** {@link qualifies} at bar t of the columns (the sweep and reclaim first: it rarely holds). */
function isHit(
  p: TurtleSoupParams,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  lower: Float64Array,
  lowerIndex: Int32Array,
  smaCol: Float64Array,
  atrCol: Float64Array,
  t: number,
): boolean {
  const l = lower[t]!;
  const lo = low[t]!;
  const c = close[t]!;
  return lo < l && c > l && qualifies(p, t, high[t]!, lo, c, l, lowerIndex[t]!, smaCol[t]!, atrCol[t]!);
}

/**
 * The parts of the reason texts that depend only on the parameters, joined
 * once per evaluation instead of once per signal (with the minimum price
 * already formatted). Concatenated with the per-bar numbers they give the
 * same text as formatting each reason whole.
 */
interface ReasonParts {
  priorLow: string;
  ageTail: string;
  smaMiddle: string;
  minPrice: string;
  stopMiddle: string;
  targetTail: string;
}

function reasonParts(p: TurtleSoupParams, numbers?: ReasonNumbers): ReasonParts {
  return {
    priorLow: `prior ${p.lookback}-bar low `,
    ageTail: ` bars ago (>= ${p.minBarsSinceLow})`,
    smaMiddle: ` > sma${p.smaPeriod} `,
    minPrice: numbers ? numbers.one(p.minPrice) : fmt(p.minPrice),
    stopMiddle: ` = close - ${p.stopAtrMult} × atr${p.atrPeriod} `,
    targetTail: ` = close + ${p.targetR}R`,
  };
}

/**
 * Builds the Signal for a bar that {@link qualifies}. `numbers` writes the reasons' prices (the
 * scanned market's: whole won for KRX); absent, US prices ({@link fmt}). The IBS is a ratio: {@link fmt} always.
 */
function build(
  s: BarSeries,
  p: TurtleSoupParams,
  parts: ReasonParts,
  t: number,
  lower: number,
  lowerIndex: number,
  smaV: number,
  atrV: number,
  numbers?: ReasonNumbers,
): Signal {
  const c = s.close[t]!;
  const lo = s.low[t]!;
  const age = t - lowerIndex;
  const stop = c - p.stopAtrMult * atrV;
  const target = p.targetR === null ? null : c + p.targetR * (c - stop);
  const one = numbers ? numbers.one : fmt;
  // The prior low and the close appear in three reasons each: formatted once (cmpPre).
  const fl = one(lower);
  const fc = one(c);
  const reasons = [
    parts.priorLow + fl + ' last set ' + age + parts.ageTail,
    cmpPre('low ', lo, one(lo), ' < prior low ', lower, fl, numbers) + ' (swept)',
    cmpPre('close ', c, fc, ' > prior low ', lower, fl, numbers) + ' (reclaimed)',
    cmpPre('close ', c, fc, parts.smaMiddle, smaV, one(smaV), numbers),
    cmpPre('close ', c, fc, ' >= minPrice ', p.minPrice, parts.minPrice, numbers),
  ];
  if (p.maxIbs !== null) reasons.push(cmp('ibs', ibsValue(s.high[t]!, lo, c), '<=', 'maxIbs', p.maxIbs));
  reasons.push('stop ' + one(stop) + parts.stopMiddle + one(atrV));
  if (target !== null) reasons.push('target ' + one(target) + parts.targetTail);
  return {
    symbol: s.symbol,
    strategy: 'turtle_soup',
    index: t,
    date: s.dates[t]!,
    close: c,
    stop,
    target,
    atr: atrV,
    timeStopBars: p.timeStopBars,
    // Reclaim strength in ATRs: how far back above the swept low it closed.
    score: (c - lower) / atrV,
    reasons,
  };
}

/**
 * Indices of Turtle Soup (long) signals. With L = min(low[t-lookback..t-1])
 * and k the most recent bar in that window with low == L:
 * t - k >= minBarsSinceLow, low[t] < L (sweep), close[t] > L (reclaim),
 * close[t] > SMA(smaPeriod)[t], close[t] >= minPrice, IBS[t] <= maxIbs when
 * set (and ATR[t] > 0). Nothing fires while an indicator is warming up.
 */
export function turtleSoupSignalIndices(
  series: BarSeries,
  params: TurtleSoupParams = TURTLE_SOUP_DEFAULTS,
  cache = new IndicatorCache(series),
): Int32Array {
  const p = params;
  const { high, low, close } = series;
  const { lower, lowerIndex } = cache.donchianLower(p.lookback);
  const smaCol = cache.sma(p.smaPeriod);
  const atrCol = cache.atr(p.atrPeriod);
  // Borrowed only after the cache has built its columns (they borrow it too).
  const len = close.length;
  const hits = scratchInt32(len);
  let k = 0;
  let t = firstValidIndex(p);
  // Four bars per iteration, the sweep-and-reclaim test of all four folded
  // into one bit mask without branches: `low < L` holds on ~10 % of bars at
  // random, so a branch per bar mispredicted often, and V8 re-checks every
  // typed array (map, length, data pointer) once per loop iteration. The
  // full rule then runs only on the few candidate bars (~6 %).
  for (; t + 3 < len; t += 4) {
    const l0 = lower[t]!;
    const l1 = lower[t + 1]!;
    const l2 = lower[t + 2]!;
    const l3 = lower[t + 3]!;
    const f =
      (+(low[t]! < l0) & +(close[t]! > l0)) |
      ((+(low[t + 1]! < l1) & +(close[t + 1]! > l1)) << 1) |
      ((+(low[t + 2]! < l2) & +(close[t + 2]! > l2)) << 2) |
      ((+(low[t + 3]! < l3) & +(close[t + 3]! > l3)) << 3);
    if (f === 0) continue;
    if (f & 1 && isHit(p, high, low, close, lower, lowerIndex, smaCol, atrCol, t)) hits[k++] = t;
    if (f & 2 && isHit(p, high, low, close, lower, lowerIndex, smaCol, atrCol, t + 1)) hits[k++] = t + 1;
    if (f & 4 && isHit(p, high, low, close, lower, lowerIndex, smaCol, atrCol, t + 2)) hits[k++] = t + 2;
    if (f & 8 && isHit(p, high, low, close, lower, lowerIndex, smaCol, atrCol, t + 3)) hits[k++] = t + 3;
  }
  for (; t < len; t++) if (isHit(p, high, low, close, lower, lowerIndex, smaCol, atrCol, t)) hits[k++] = t;
  return hits.slice(0, k);
}

/** Turtle Soup signal at bar t, or null. Stop = close - stopAtrMult·ATR; target = close + targetR·(close - stop) or null. */
export function turtleSoupSignalAt(
  series: BarSeries,
  t: number,
  params: TurtleSoupParams = TURTLE_SOUP_DEFAULTS,
  cache = new IndicatorCache(series),
): Signal | null {
  const p = params;
  if (!Number.isInteger(t) || t < firstValidIndex(p) || t >= series.close.length) return null;
  const dl = cache.donchianLower(p.lookback);
  const lower = dl.lower[t]!;
  const lowerIndex = dl.lowerIndex[t]!;
  const smaV = cache.sma(p.smaPeriod)[t]!;
  const atrV = cache.atr(p.atrPeriod)[t]!;
  const { high, low, close } = series;
  return qualifies(p, t, high[t]!, low[t]!, close[t]!, lower, lowerIndex, smaV, atrV)
    ? build(series, p, reasonParts(p), t, lower, lowerIndex, smaV, atrV)
    : null;
}

/** Every Turtle Soup signal as a Signal, oldest first. */
export function turtleSoupSignals(
  series: BarSeries,
  params: TurtleSoupParams = TURTLE_SOUP_DEFAULTS,
  cache = new IndicatorCache(series),
): Signal[] {
  const p = params;
  const { lower, lowerIndex } = cache.donchianLower(p.lookback);
  const smaCol = cache.sma(p.smaPeriod);
  const atrCol = cache.atr(p.atrPeriod);
  const parts = reasonParts(p);
  const out: Signal[] = [];
  for (const t of turtleSoupSignalIndices(series, p, cache)) {
    out.push(build(series, p, parts, t, lower[t]!, lowerIndex[t]!, smaCol[t]!, atrCol[t]!));
  }
  return out;
}

/**
 * Turtle Soup signal on the last bar only (point evaluators, bit-identical to the columns).
 * `numbers`: how its reasons write prices (default US; a KR scan passes whole won).
 */
export function turtleSoupLatestSignal(
  series: BarSeries,
  params: TurtleSoupParams = TURTLE_SOUP_DEFAULTS,
  numbers?: ReasonNumbers,
): Signal | null {
  const p = params;
  const t = series.close.length - 1;
  if (t < firstValidIndex(p)) return null;
  const { high, low, close } = series;
  const { lower, lowerIndex } = donchianLowerAt(low, p.lookback, t);
  const c = close[t]!;
  // Skip the SMA and O(t) ATR work on the (usual) days without a sweep and reclaim.
  if (!(low[t]! < lower && c > lower && c >= p.minPrice)) return null;
  const smaV = smaAt(close, p.smaPeriod, t);
  if (!(c > smaV)) return null;
  const atrV = atrAt(high, low, close, p.atrPeriod, t);
  return qualifies(p, t, high[t]!, low[t]!, c, lower, lowerIndex, smaV, atrV)
    ? build(series, p, reasonParts(p, numbers), t, lower, lowerIndex, smaV, atrV, numbers)
    : null;
}

/** Turtle Soup strategy definition. */
export const TURTLE_SOUP: StrategyDef<TurtleSoupParams> = {
  id: 'turtle_soup',
  title: 'Turtle Soup',
  summary:
    'Buy a failed breakdown: the bar undercuts a prior `lookback`-bar low that is at least minBarsSinceLow bars old, then closes back above it, while above the SMA trend filter.',
  defaults: TURTLE_SOUP_DEFAULTS,
  paramHelp: describeParams(turtleSoupParamsSchema, TURTLE_SOUP_DEFAULTS),
  parseParams: (pairs) => parseParamPairs('turtle_soup', turtleSoupParamsSchema, TURTLE_SOUP_DEFAULTS, pairs),
  resolveParams: (overrides = {}) =>
    validateParams('turtle_soup', turtleSoupParamsSchema, TURTLE_SOUP_DEFAULTS, {
      ...TURTLE_SOUP_DEFAULTS,
      ...overrides,
    }),
  signals: turtleSoupSignals,
  signalIndices: turtleSoupSignalIndices,
  signalAt: turtleSoupSignalAt,
  latestSignal: turtleSoupLatestSignal,
  firstValidIndex: (p = TURTLE_SOUP_DEFAULTS) => firstValidIndex(p),
};

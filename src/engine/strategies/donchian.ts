import { z } from 'zod';
import type { BarSeries } from '../bars.js';
import { atrAt } from '../indicators/atr.js';
import { IndicatorCache } from '../indicators/cache.js';
import { donchianUpperAt } from '../indicators/donchian.js';
import { scratchInt32 } from '../indicators/scratch.js';
import { smaAt } from '../indicators/sma.js';
import type { Signal } from '../signal.js';
import { cmpPre, fmt, type ReasonNumbers } from './format.js';
import { describeParams, parseParamPairs, validateParams } from './params.js';
import type { StrategyDef } from './types.js';

/** Donchian Breakout parameters (see {@link DONCHIAN_DEFAULTS}). */
export const donchianParamsSchema = z.strictObject({
  lookback: z.number().int().min(1).describe('integer >= 1: channel length, bars before the signal bar'),
  smaPeriod: z.number().int().min(1).describe('integer >= 1: trend filter SMA period'),
  minPrice: z.number().min(0).describe('number >= 0: minimum close'),
  atrPeriod: z.number().int().min(1).describe('integer >= 1: Wilder ATR period'),
  stopAtrMult: z.number().positive().describe('number > 0: stop distance in ATRs'),
  timeStopBars: z.number().int().min(1).describe('integer >= 1: exit after this many bars'),
  targetR: z.number().positive().nullable().describe('number > 0 or null: target in R multiples'),
});

/** Donchian Breakout parameters. */
export type DonchianParams = z.output<typeof donchianParamsSchema>;

/** Defaults from the project design. */
export const DONCHIAN_DEFAULTS: Readonly<DonchianParams> = Object.freeze({
  lookback: 55,
  smaPeriod: 200,
  minPrice: 5,
  atrPeriod: 14,
  stopAtrMult: 2,
  timeStopBars: 5,
  targetR: null,
});

function firstValidIndex(p: DonchianParams): number {
  return Math.max(p.lookback, p.smaPeriod - 1, p.atrPeriod - 1);
}

/**
 * The entry rule, shared by every evaluation path. NaN (warm-up) fails every
 * comparison. ATR > 0 is implied by a real breakout on sane bars (a close
 * above prior highs forces a positive true range) and guards the stop and
 * score maths against degenerate data.
 */
function qualifies(close: number, upper: number, smaV: number, atrV: number, minPrice: number): boolean {
  return close > upper && close > smaV && close >= minPrice && atrV > 0;
}

/** {@link qualifies} at bar t of the columns (the channel first: the SMA and ATR columns are read only past it). */
function isHit(close: Float64Array, upper: Float64Array, smaCol: Float64Array, atrCol: Float64Array, minPrice: number, t: number): boolean {
  const c = close[t]!;
  const u = upper[t]!;
  return c > u && qualifies(c, u, smaCol[t]!, atrCol[t]!, minPrice);
}

/**
 * The parts of the reason texts that depend only on the parameters, joined
 * once per evaluation instead of once per signal (with the minimum price
 * already formatted). Concatenated with the per-bar numbers they give the
 * same text as formatting each reason whole.
 */
interface ReasonParts {
  upperMiddle: string;
  smaMiddle: string;
  minPrice: string;
  stopMiddle: string;
  targetTail: string;
}

function reasonParts(p: DonchianParams, numbers?: ReasonNumbers): ReasonParts {
  return {
    upperMiddle: ` > donchian upper${p.lookback} (highest high of the prior ${p.lookback} bars) `,
    smaMiddle: ` > sma${p.smaPeriod} `,
    minPrice: numbers ? numbers.one(p.minPrice) : fmt(p.minPrice),
    stopMiddle: ` = close - ${p.stopAtrMult} × atr${p.atrPeriod} `,
    targetTail: ` = close + ${p.targetR}R`,
  };
}

/**
 * Builds the Signal for a bar that {@link qualifies}. `numbers` writes the reasons' prices (the
 * scanned market's: whole won for KRX); absent, US prices ({@link fmt}).
 */
function build(s: BarSeries, p: DonchianParams, parts: ReasonParts, t: number, upper: number, smaV: number, atrV: number, numbers?: ReasonNumbers): Signal {
  const c = s.close[t]!;
  const stop = c - p.stopAtrMult * atrV;
  const target = p.targetR === null ? null : c + p.targetR * (c - stop);
  const one = numbers ? numbers.one : fmt;
  // The close appears in three reasons: formatted once (cmpPre).
  const fc = one(c);
  const reasons = [
    cmpPre('close ', c, fc, parts.upperMiddle, upper, one(upper), numbers),
    cmpPre('close ', c, fc, parts.smaMiddle, smaV, one(smaV), numbers),
    cmpPre('close ', c, fc, ' >= minPrice ', p.minPrice, parts.minPrice, numbers),
    'stop ' + one(stop) + parts.stopMiddle + one(atrV),
  ];
  if (target !== null) reasons.push('target ' + one(target) + parts.targetTail);
  return {
    symbol: s.symbol,
    strategy: 'donchian',
    index: t,
    date: s.dates[t]!,
    close: c,
    stop,
    target,
    atr: atrV,
    timeStopBars: p.timeStopBars,
    // Breakout distance in ATRs: how decisively the close cleared the channel.
    score: (c - upper) / atrV,
    reasons,
  };
}

/**
 * Indices of Donchian Breakout signals: close[t] > max(high[t-lookback..t-1])
 * AND close[t] > SMA(smaPeriod)[t] AND close[t] >= minPrice (and ATR[t] > 0).
 * Nothing fires while an indicator is still warming up.
 */
export function donchianSignalIndices(
  series: BarSeries,
  params: DonchianParams = DONCHIAN_DEFAULTS,
  cache = new IndicatorCache(series),
): Int32Array {
  const p = params;
  const close = series.close;
  const upper = cache.donchianUpper(p.lookback);
  const smaCol = cache.sma(p.smaPeriod);
  const atrCol = cache.atr(p.atrPeriod);
  const minPrice = p.minPrice;
  // Borrowed only after the cache has built its columns (they borrow it too).
  const len = close.length;
  const hits = scratchInt32(len);
  let k = 0;
  let t = firstValidIndex(p);
  // Four bars per iteration, the channel test of all four folded into one
  // bit mask without branches: breakouts are rare (~4 % of bars) and land
  // at random, so a branch per bar mispredicted on most of them, and V8
  // re-checks every typed array (map, length, data pointer) once per loop
  // iteration. The full rule then runs only on the bars that cleared the
  // channel, so the SMA and ATR columns are read only there.
  for (; t + 3 < len; t += 4) {
    const f =
      +(close[t]! > upper[t]!) |
      (+(close[t + 1]! > upper[t + 1]!) << 1) |
      (+(close[t + 2]! > upper[t + 2]!) << 2) |
      (+(close[t + 3]! > upper[t + 3]!) << 3);
    if (f === 0) continue;
    if (f & 1 && isHit(close, upper, smaCol, atrCol, minPrice, t)) hits[k++] = t;
    if (f & 2 && isHit(close, upper, smaCol, atrCol, minPrice, t + 1)) hits[k++] = t + 1;
    if (f & 4 && isHit(close, upper, smaCol, atrCol, minPrice, t + 2)) hits[k++] = t + 2;
    if (f & 8 && isHit(close, upper, smaCol, atrCol, minPrice, t + 3)) hits[k++] = t + 3;
  }
  for (; t < len; t++) if (isHit(close, upper, smaCol, atrCol, minPrice, t)) hits[k++] = t;
  return hits.slice(0, k);
}

/** Donchian signal at bar t, or null. Stop = close - stopAtrMult·ATR; target = close + targetR·(close - stop) or null. */
export function donchianSignalAt(
  series: BarSeries,
  t: number,
  params: DonchianParams = DONCHIAN_DEFAULTS,
  cache = new IndicatorCache(series),
): Signal | null {
  const p = params;
  if (!Number.isInteger(t) || t < firstValidIndex(p) || t >= series.close.length) return null;
  const upper = cache.donchianUpper(p.lookback)[t]!;
  const smaV = cache.sma(p.smaPeriod)[t]!;
  const atrV = cache.atr(p.atrPeriod)[t]!;
  return qualifies(series.close[t]!, upper, smaV, atrV, p.minPrice) ? build(series, p, reasonParts(p), t, upper, smaV, atrV) : null;
}

/** Every Donchian Breakout signal as a Signal, oldest first. */
export function donchianSignals(
  series: BarSeries,
  params: DonchianParams = DONCHIAN_DEFAULTS,
  cache = new IndicatorCache(series),
): Signal[] {
  const p = params;
  const upper = cache.donchianUpper(p.lookback);
  const smaCol = cache.sma(p.smaPeriod);
  const atrCol = cache.atr(p.atrPeriod);
  const parts = reasonParts(p);
  const out: Signal[] = [];
  for (const t of donchianSignalIndices(series, p, cache)) {
    out.push(build(series, p, parts, t, upper[t]!, smaCol[t]!, atrCol[t]!));
  }
  return out;
}

/**
 * Donchian signal on the last bar only (point evaluators, bit-identical to the columns). `numbers`:
 * how its reasons write prices (default US; a KR scan passes whole won).
 */
export function donchianLatestSignal(series: BarSeries, params: DonchianParams = DONCHIAN_DEFAULTS, numbers?: ReasonNumbers): Signal | null {
  const p = params;
  const t = series.close.length - 1;
  if (t < firstValidIndex(p)) return null;
  const c = series.close[t]!;
  const upper = donchianUpperAt(series.high, p.lookback, t);
  // Skip the O(t) ATR pass on the (usual) days the close is not a breakout.
  if (!(c > upper && c >= p.minPrice)) return null;
  const smaV = smaAt(series.close, p.smaPeriod, t);
  if (!(c > smaV)) return null;
  const atrV = atrAt(series.high, series.low, series.close, p.atrPeriod, t);
  return qualifies(c, upper, smaV, atrV, p.minPrice) ? build(series, p, reasonParts(p, numbers), t, upper, smaV, atrV, numbers) : null;
}

/** Donchian Breakout strategy definition. */
export const DONCHIAN: StrategyDef<DonchianParams> = {
  id: 'donchian',
  title: 'Donchian Breakout',
  summary:
    'Buy a close above the highest high of the prior `lookback` bars while above the SMA trend filter; stop stopAtrMult ATRs below.',
  defaults: DONCHIAN_DEFAULTS,
  paramHelp: describeParams(donchianParamsSchema, DONCHIAN_DEFAULTS),
  parseParams: (pairs) => parseParamPairs('donchian', donchianParamsSchema, DONCHIAN_DEFAULTS, pairs),
  resolveParams: (overrides = {}) =>
    validateParams('donchian', donchianParamsSchema, DONCHIAN_DEFAULTS, { ...DONCHIAN_DEFAULTS, ...overrides }),
  signals: donchianSignals,
  signalIndices: donchianSignalIndices,
  signalAt: donchianSignalAt,
  latestSignal: donchianLatestSignal,
  firstValidIndex: (p = DONCHIAN_DEFAULTS) => firstValidIndex(p),
};

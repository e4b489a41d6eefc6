/**
 * A hypothesis's signals: its pattern family's qualifying bars turned into
 * tradeable {@link Signal}s with the shared exit rules (DESIGN section 9):
 * stop `stopAtr` ATRs below the signal close, an optional target `targetAtr`
 * ATRs above it, and a time stop. Levels are fixed at the signal bar and read
 * only bars up to it, so the signals are as causal as the family.
 */
import type { ReasonNumbers } from '../strategies/format.js';
import type { BarSeries } from '../bars.js';
import { IndicatorCache } from '../indicators/cache.js';
import type { AnyPatternFamily, PatternWhy } from '../patterns/registry.js';
import type { Signal, StrategyId } from '../signal.js';
import type { HypothesisExits } from './definition.js';
import type { ExitLevels } from './market-rules.js';

/** Options for {@link hypothesisSignals}. */
export interface HypothesisSignalOptions {
  /** Put first in every signal's reasons (e.g. the hypothesis's short id), so a card names its source. */
  label?: string;
  /** Share indicator columns with other evaluations of the same series (ATR, SMA, RSI...). */
  cache?: IndicatorCache;
  /** How price figures read in the reasons (whole won for KRX); default two decimals, trailing zeros off. */
  numbers?: ReasonNumbers;
  /**
   * The market's price grid for the stop and target (a KR hypothesis's: the KRX ETF tick of the
   * signal's session, see hypothesisMarketRules); default the raw levels. The walk-forward and the
   * shadow book pass the same rule, so what was measured is what the book trades.
   */
  levels?: ExitLevels;
}

/**
 * Every signal of `family` with `params` on `series`, with the exits' levels.
 *
 * A family bar t becomes a signal only when ATR(exits.atrPeriod)[t] is
 * defined and > 0 (no stop can be placed otherwise). Then:
 * close = close[t]; stop = close − stopAtr·ATR; target = close + targetAtr·ATR
 * (null without a target); timeStopBars from the exits.
 *
 * `strategy` holds the family id: the signal's source. (`Signal.strategy` is
 * still typed as the Kobe strategies' StrategyId; see {@link familySource}.)
 *
 * `score` is how far the bar is past the family's threshold (see
 * {@link signalScore}); it ranks signals of ONE family against each other
 * (the portfolio's entry order when cash is short), not across families.
 *
 * @param params a validated params object of `family` (trusted, as the family's own methods do)
 */
export function hypothesisSignals(
  series: BarSeries,
  family: AnyPatternFamily,
  params: object,
  exits: Readonly<HypothesisExits>,
  opts: HypothesisSignalOptions = {},
): Signal[] {
  const strategy = familySource(family);
  const out: Signal[] = [];
  eachHypothesisHit(series, family, params, exits, opts.cache ?? new IndicatorCache(series), (t, atr, why, stop, target, score) => {
    const reasons = describeWhy(why, params, opts.numbers);
    out.push({
      symbol: series.symbol,
      strategy,
      index: t,
      date: series.dates[t]!,
      close: series.close[t]!,
      stop,
      target,
      atr,
      timeStopBars: exits.timeStopBars,
      score,
      reasons: opts.label === undefined ? reasons : [opts.label, ...reasons],
    });
  }, opts.levels);
  return out;
}

/**
 * The one rule that turns a family's signal bars into trades: every bar t
 * the family fires on where ATR(atrPeriod) at t is defined and > 0, with
 * stop = close − stopAtr·ATR, target = close + targetAtr·ATR (or none) and
 * the family's score. {@link hypothesisSignals} and the incubation's column
 * path (evaluate.ts) both call it, so they cannot disagree. With `levels`
 * (a market's price grid) the stop and target are put on it after they are
 * computed; the score is the family's, unchanged.
 */
export function eachHypothesisHit(
  series: BarSeries,
  family: AnyPatternFamily,
  params: object,
  exits: Readonly<HypothesisExits>,
  cache: IndicatorCache,
  visit: (t: number, atr: number, why: PatternWhy, stop: number, target: number | null, score: number) => void,
  levels?: ExitLevels,
): void {
  const hits = family.signalIndices(series, params, cache);
  if (hits.length === 0) return;
  const atr = cache.atr(exits.atrPeriod);
  for (let j = 0; j < hits.length; j++) {
    const t = hits[j]!;
    const a = atr[t]!;
    // NaN (warm-up) fails this too.
    if (!(a > 0)) continue;
    const why = family.why(series, t, params, cache);
    // Cannot happen (why is non-null exactly on signal bars); skipping keeps a family bug from inventing reasons.
    if (why === null) continue;
    const close = series.close[t]!;
    const stop = close - exits.stopAtr * a;
    const target = exits.targetAtr === null ? null : close + exits.targetAtr * a;
    if (levels === undefined) visit(t, a, why, stop, target, signalScore(why, a));
    else {
      const on = levels(series.dates[t]!, stop, target);
      visit(t, a, why, on.stop, on.target, signalScore(why, a));
    }
  }
}

/**
 * The family id as a signal's source. `Signal.strategy` is typed
 * `StrategyId` (the Kobe strategies) and widening it reaches the trading
 * layer's report types, so the family id is carried under that type here:
 * at run time the value is the family id, which the backtest treats as an
 * opaque key (its position book is per symbol + source).
 */
export function familySource(family: AnyPatternFamily): StrategyId {
  return family.id as unknown as StrategyId;
}

/**
 * How far a signal bar is past its family's threshold, in the family's own
 * unit (ATRs for price distances, points for RSI/IBS/percent thresholds);
 * 0 where the rule has no "how far" (turn of month). Higher = stronger.
 * Comparable only within one family.
 */
export function signalScore(why: PatternWhy, atr: number): number {
  switch (why.family) {
    case 'momentum':
      return why.changePct - why.minChangePct;
    case 'down_closes':
      // Depth of the pullback: the streak's first close minus today's, in ATRs.
      return (why.closes[0]! - why.close) / atr;
    case 'rsi_oversold':
      return why.maxRsi - why.rsi;
    case 'ibs_low':
      return why.maxIbs - why.ibs;
    case 'high_breakout':
      return (why.close - why.priorHighestClose) / atr;
    case 'volume_spike':
      return why.volumeRatio - why.minVolumeRatio;
    case 'ma_cross':
      return (why.fast - why.slow) / atr;
    case 'nr_breakout':
      return (why.close - why.setupHigh) / atr;
    case 'bollinger_squeeze':
      return (why.close - why.upper) / atr;
    case 'gap_down_reversal':
      return why.gapPct - why.minGapPct;
    case 'donchian':
    case 'turtle_soup':
      // The Kobe strategies rank their own signals; keep their score.
      return why.score;
    case 'turn_of_month':
      return 0;
    default:
      return unknownFamily(why);
  }
}

/** Exhaustiveness guard: a family added to PatternWhy without a case here fails to compile. */
function unknownFamily(why: never): never {
  throw new RangeError(`no rule for pattern family '${(why as { family: string }).family}'`);
}

/** A price or figure for a reason line: two decimals, trailing zeros kept off. */
function num(x: number, digits = 2): string {
  return String(Number(x.toFixed(digits)));
}

/** A params field for a reason line, or '' when the params do not have it. */
function param(params: object, key: string): string {
  const v = (params as Record<string, unknown>)[key];
  return typeof v === 'number' ? String(v) : '';
}

/**
 * Short human reasons from a family's figures, e.g. ["RSI(2) 4.1 < 10",
 * "close 101.2 > SMA(200) 95.3"]. Numbers only (no currency): cards format
 * money themselves.
 */
export function describeWhy(why: PatternWhy, params: object, numbers?: ReasonNumbers): string[] {
  // Prices in the market's format (ratios and percentages keep `num`); a comparison's two sides never print the same.
  const px = (x: number): string => (numbers ? numbers.one(x) : num(x));
  const vs = (a: number, b: number): [string, string] => (numbers ? numbers.pair(a, b) : [num(a), num(b)]);
  switch (why.family) {
    case 'momentum':
      return [
        `${param(params, 'lookback')}-bar change ${num(why.changePct, 1)}% ≥ ${num(why.minChangePct, 1)}%` +
          (Number.isFinite(why.prevChangePct) ? ` (was ${num(why.prevChangePct, 1)}%)` : ''),
      ];
    case 'down_closes':
      return [
        `${why.closes.length - 1} lower closes: ${why.closes.map((c) => px(c)).join(' → ')}`,
        `close ${vs(why.close, why.sma)[0]} > SMA(${why.smaPeriod}) ${vs(why.close, why.sma)[1]}`,
      ];
    case 'rsi_oversold':
      return [`RSI(${param(params, 'rsiPeriod')}) ${num(why.rsi, 1)} < ${why.maxRsi}`, `close ${vs(why.close, why.sma)[0]} > SMA(${why.smaPeriod}) ${vs(why.close, why.sma)[1]}`];
    case 'ibs_low': {
      const out = [`IBS ${num(why.ibs)} < ${why.maxIbs} (close ${px(why.close)}, range ${px(why.low)}–${px(why.high)})`];
      if (why.sma !== null) out.push(`close ${vs(why.close, why.sma)[0]} > SMA(${why.smaPeriod}) ${vs(why.close, why.sma)[1]}`);
      return out;
    }
    case 'high_breakout':
      return [`close ${vs(why.close, why.priorHighestClose)[0]} > ${why.lookback}-bar closing high ${vs(why.close, why.priorHighestClose)[1]}`];
    case 'volume_spike':
      return [`volume ${num(why.volumeRatio)}× its average (≥ ${why.minVolumeRatio}×)`, `up close ${px(why.prevClose)} → ${px(why.close)}`];
    case 'ma_cross':
      return [`SMA(${why.fastPeriod}) ${vs(why.fast, why.slow)[0]} crossed above SMA(${why.slowPeriod}) ${vs(why.fast, why.slow)[1]}`];
    case 'nr_breakout':
      return [`close ${vs(why.close, why.setupHigh)[0]} > high ${vs(why.close, why.setupHigh)[1]} of the NR${why.nrBars} bar`];
    case 'turn_of_month':
      return [`trading day ${why.tradingDay} of the month (from ${why.monthStart})`];
    case 'bollinger_squeeze':
      return [
        `close ${vs(why.close, why.upper)[0]} > upper band ${vs(why.close, why.upper)[1]} (BB(${why.period}, ${num(why.stdDevs, 1)}))`,
        `band width ${num(why.squeezeWidth * 100, 1)}% was the narrowest of ${why.squeezeLookback} bars`,
      ];
    case 'gap_down_reversal':
      return [`opened ${num(why.gapPct, 1)}% below the prior close ${px(why.prevClose)} (≥ ${num(why.minGapPct, 1)}%), closed up at ${px(why.close)}`];
    case 'donchian':
      return [`close ${vs(why.close, why.channelHigh)[0]} > ${why.lookback}-day high ${vs(why.close, why.channelHigh)[1]}`, `close > SMA(${why.smaPeriod}) ${vs(why.close, why.sma)[1]}`];
    case 'turtle_soup':
      return [`low ${vs(why.low, why.priorLow)[0]} swept the ${why.lookback}-day low ${vs(why.low, why.priorLow)[1]} (set ${why.barsSinceLow} bars ago), closed back at ${px(why.close)}`];
    default:
      return unknownFamily(why);
  }
}

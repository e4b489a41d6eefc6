import type { Bar, BarSeries } from '../../../engine/bars.js';
import { Prng } from '../../../engine/backtest/prng.js';
import { ohlcvColumns } from './ohlcv-columns.js';
import { seriesRows } from './series-rows.js';
import { symbolSeed } from './seed.js';

export interface SyntheticBarsInput {
  symbol: string;
  /** Trading dates, oldest first; one bar is generated per session. */
  sessions: readonly string[];
  /** PRNG seed; defaults to {@link symbolSeed}(symbol). */
  seed?: number;
  /** Target mean of close × volume over the series, in dollars (the symbol's real ADV). */
  dollarAdv: number;
  /** First open; defaults to a seeded draw between roughly $10 and $300. */
  startPrice?: number;
}

// Market regimes. Durations are exponential with these means (bars).
type Regime = 0 | 1 | 2;
const BULL = 0;
const BEAR = 1;
const RANGE = 2;
const MEAN_DURATION = [140, 60, 90] as const;
const VOL_MULT = [0.9, 1.35, 0.8] as const;

// GARCH(1,1) weights: persistent volatility clusters (a + b close to 1)
// without exploding.
const G_ALPHA = 0.08;
const G_BETA = 0.9;

const SQRT252 = Math.sqrt(252);
// Below ~$8 the drift leans upward, as low-priced names in a liquid universe
// tend to be delisted or recover; keeps synthetic prices above $5 mostly.
const LOG_SOFT_FLOOR = Math.log(8);

/**
 * Generates deterministic, plausible daily bars as typed arrays (fast path for
 * whole-universe backtests). Same input → identical output, bit for bit.
 *
 * The path is a regime-switching random walk in log price:
 * - bull / bear / range regimes with exponential durations; bull regimes
 *   contain short pullbacks, ranges mean-revert to their centre;
 * - GARCH(1,1) volatility so quiet and wild stretches cluster;
 * - overnight gaps, quarterly "earnings" jumps and rare shocks;
 * - occasional sweeps: in an uptrend near the 20-day low, one bar trades
 *   through that low and closes back above it, as stop-runs do;
 * - a weak pull toward a slowly rising anchor so ten years don't drift to
 *   pennies or to the moon, and regimes tilt bullish below ~$7 so prices
 *   stay above $5 almost always (plus an upward lean below $8).
 *
 * Volume reacts to move size and events, falls as price rises (dollar volume
 * roughly stable), and is finally scaled so mean(close × volume) equals
 * `dollarAdv` up to share rounding. Prices are rounded to cents and OHLC is
 * consistent (low ≤ open, close ≤ high) on every bar. `dates` is the
 * `sessions` array itself, not a copy: a universe shares one dates array.
 */
export function generateSyntheticSeries(input: SyntheticBarsInput): BarSeries {
  const { symbol, sessions, dollarAdv } = input;
  const n = sessions.length;
  if (!(dollarAdv > 0)) throw new RangeError(`dollarAdv must be positive for ${symbol}, got ${dollarAdv}`);
  const rng = new Prng(input.seed ?? symbolSeed(symbol));

  const { open, high, low, close, volume } = ohlcvColumns(n);

  // Per-symbol character. Thinner names are more volatile.
  const liquidityTilt = Math.max(0, Math.log10(5e9 / dollarAdv));
  const annVol = clamp(0.17 + 0.07 * liquidityTilt + rng.uniform(-0.04, 0.1), 0.14, 0.8);
  const sigmaBar = annVol / SQRT252;
  const startPrice = input.startPrice ?? clamp(Math.exp(Math.log(45) + 0.8 * rng.normal()), 10, 300);
  const anchorGrowth = rng.uniform(0.03, 0.12) / 252;
  const earningsPhase = Math.floor(rng.uniform(0, 63));

  let logP = Math.log(startPrice);
  let logAnchor = logP;
  let h = sigmaBar * sigmaBar; // GARCH variance
  const omega = h * (1 - G_ALPHA - G_BETA);
  let regime: Regime = rng.next() < 0.6 ? BULL : RANGE;
  let regimeLeft = rng.exponential(MEAN_DURATION[regime]);
  let regimeMu = regimeDrift(regime, sigmaBar, rng);
  let rangeCentre = logP;
  let pullbackLeft = 0;
  let bounceLeft = 0;
  let smaSum = 0; // running sum of the last up-to-200 closes
  let prevClose = startPrice;

  for (let t = 0; t < n; t++) {
    // Regime bookkeeping.
    if (--regimeLeft <= 0) {
      regime = nextRegime(rng, logP - logAnchor, Math.exp(logP));
      regimeLeft = rng.exponential(MEAN_DURATION[regime]) + 10;
      regimeMu = regimeDrift(regime, sigmaBar, rng);
      rangeCentre = logP;
      pullbackLeft = 0;
    }
    logAnchor += anchorGrowth;
    const smaN = Math.min(t, 200);
    const sma = smaN > 0 ? smaSum / smaN : prevClose;

    let mu = regimeMu - 0.002 * (logP - logAnchor);
    if (regime === RANGE) mu += -0.06 * (logP - rangeCentre);
    if (regime === BULL) {
      if (pullbackLeft > 0) {
        pullbackLeft--;
        mu = -0.6 * sigmaBar;
      } else if (rng.next() < 1 / 45) {
        pullbackLeft = 3 + Math.floor(rng.next() * 6);
      }
    }
    if (bounceLeft > 0) {
      bounceLeft--;
      mu += 0.4 * sigmaBar;
    }
    if (logP < LOG_SOFT_FLOOR) mu += 0.03 * (LOG_SOFT_FLOOR - logP);

    // Volatility: GARCH shock with occasional fat-tail draws.
    let z = rng.normal();
    if (rng.next() < 0.02) z *= 2.5;
    const sd = Math.sqrt(h) * VOL_MULT[regime];
    const eps = Math.sqrt(h) * z;
    h = omega + G_ALPHA * eps * eps + G_BETA * h;
    let ret = mu + sd * z;

    // Event jumps: quarterly earnings-like gaps and rare shocks, both gap at the open.
    let jump = 0;
    const earnings = (t + earningsPhase) % 63 === 0;
    if (earnings) jump = 3 * sigmaBar * rng.normal();
    else if (rng.next() < 0.003) jump = 5 * sigmaBar * rng.normal();
    ret += jump;

    // Overnight part of the move, so opens gap; part of a jump gap fills intraday.
    const gap = 0.25 * (ret - jump) + 0.3 * sd * rng.normal() + jump;
    const fill = jump !== 0 ? -0.3 * jump * rng.next() : 0;
    let o = prevClose * Math.exp(gap);
    let c = prevClose * Math.exp(ret + fill);
    // Wicks from uniforms (u + u², mean ≈ 0.83): normals cost most of the
    // generator's time and wick shape matters little.
    const uh = rng.next();
    const ul = rng.next();
    let hi = Math.max(o, c) * (1 + 0.6 * sd * (uh + uh * uh));
    let lo = Math.min(o, c) * (1 - 0.6 * sd * (ul + ul * ul));
    let volMult = (0.6 + 0.8 * rng.next()) * (1 + (0.8 * Math.abs(ret)) / sigmaBar) * (jump !== 0 ? 2.5 : 1);

    let overridden = false;
    // Sweep: trade through the 20-day low and close back above it.
    if (t >= 20 && regime !== BEAR && prevClose > sma && rng.next() < 0.08) {
      let min20 = Infinity;
      for (let k = t - 20; k < t; k++) if (low[k]! < min20) min20 = low[k]!;
      if (prevClose < min20 * 1.035) {
        const cc = min20 * (1 + rng.uniform(0.004, 0.02));
        if (cc > sma) {
          o = prevClose * Math.exp(0.3 * sd * rng.normal());
          c = cc;
          lo = Math.min(min20 * (1 - rng.uniform(0.004, 0.025)), o * 0.997);
          hi = Math.max(o, c) * (1 + 0.5 * sd * rng.next());
          volMult *= 1.8;
          overridden = true;
          if (rng.next() < 0.6) bounceLeft = 5;
          pullbackLeft = 0;
        }
      }
    }

    // Keep a hard floor far below the $5 soft floor so logs stay finite.
    if (c < 0.5) {
      overridden = true;
      const k = 0.5 / c;
      o *= k;
      c *= k;
      hi *= k;
      lo *= k;
    }
    o = roundPrice(o);
    c = roundPrice(c);
    hi = Math.max(roundPrice(hi), o, c);
    lo = Math.min(roundPrice(lo), o, c);
    open[t] = o;
    high[t] = hi;
    low[t] = lo;
    close[t] = c;
    // Share volume falls as price rises so dollar volume stays roughly level.
    volume[t] = volMult / Math.sqrt(c);

    smaSum += c;
    if (t >= 200) smaSum -= close[t - 200]!;
    // Track log price incrementally (a log per bar is a measurable share of
    // the run time); resync exactly where a bar was overridden.
    logP = overridden ? Math.log(c) : logP + ret + fill;
    prevClose = c;
  }

  // Scale volume so mean(close × volume) hits the target dollar ADV.
  let dollars = 0;
  for (let t = 0; t < n; t++) dollars += close[t]! * volume[t]!;
  const scale = n > 0 ? (dollarAdv * n) / dollars : 0;
  for (let t = 0; t < n; t++) volume[t] = Math.max(1, Math.round(volume[t]! * scale));

  return { symbol, dates: sessions, open, high, low, close, volume };
}

/** Row form of {@link generateSyntheticSeries}. */
export function generateSyntheticBars(input: SyntheticBarsInput): Bar[] {
  return seriesRows(generateSyntheticSeries(input));
}

function regimeDrift(regime: Regime, sigmaBar: number, rng: Prng): number {
  // Drifts scale with volatility so a quiet ETF and a wild small cap both trend visibly.
  if (regime === BULL) return sigmaBar * rng.uniform(0.06, 0.16);
  if (regime === BEAR) return -sigmaBar * rng.uniform(0.05, 0.14);
  return 0;
}

function nextRegime(rng: Prng, deviation: number, price: number): Regime {
  if (price < 7) return BULL;
  let wBull = 0.45;
  let wRange = 0.35;
  let wBear = 0.2;
  if (deviation < -0.5) {
    wBull *= 1.6;
    wBear *= 0.3;
  } else if (deviation > 0.7) {
    wBull *= 0.5;
    wBear *= 1.8;
  }
  const u = rng.next() * (wBull + wRange + wBear);
  return u < wBull ? BULL : u < wBull + wRange ? RANGE : BEAR;
}

function roundPrice(p: number): number {
  return p >= 1 ? Math.round(p * 100) / 100 : Math.round(p * 10000) / 10000;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

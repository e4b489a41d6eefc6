/**
 * Synthetic DEMO bars for one Korean ETF: whole won, on the KRX ETF tick of
 * each date, inside the KRX daily price limit, over KRX sessions.
 */
import type { BarSeries } from '../../../engine/bars.js';
import { Prng } from '../../../engine/backtest/prng.js';
import { dailyPriceBand, roundToMarketTick } from '../../../engine/market/index.js';
import { generateSyntheticSeries } from './generate-bars.js';
import { ohlcvColumns } from './ohlcv-columns.js';
import { symbolSeed } from './seed.js';

/** What one KR DEMO series is drawn from. */
export interface KrSyntheticBarsInput {
  /** Six-digit KRX code. */
  symbol: string;
  /** KRX session dates, oldest first (`exchangeSessions(end, n, XKRX_CALENDAR)`); one bar each. */
  sessions: readonly string[];
  /** Signed daily leverage of the ETF (2, -1, -2); 1 when absent. */
  leverage?: number;
  /** PRNG seed; defaults to {@link symbolSeed}(symbol). */
  seed?: number;
  /** Base price (KRW) of the first session; default a seeded draw, see {@link krDemoStartPrice}. */
  startPrice?: number;
  /** Target mean daily traded value (close × volume) in KRW; default a seeded draw, see {@link krDemoTradedValue}. */
  tradedValueKrw?: number;
  /**
   * The index path the ETF follows (same dates as `sessions`); default one
   * drawn by the US generator from `seed`. Tests pass extreme paths here to
   * exercise the price limit.
   */
  underlying?: BarSeries;
}

// The underlying index starts at 100 points: cents rounding in the US
// generator is then a basis point, far below the KRW tick, and its $-level
// floors (below $8) stay out of the way.
const UNDERLYING_START = 100;
// The US generator's volatility falls with liquidity and bottoms out at $5bn
// ADV (annual vol 13–27 %); an index-like ETF sits there.
const UNDERLYING_DOLLAR_ADV = 5e9;
// A fixed tweak so the parameter draws are not the underlying's first draws.
const PARAM_STREAM = 0x4b52_4554; // "KRET"

// Start prices: log-uniform over 5,000–50,000 won, where most KRX ETFs trade
// (a ₩10,000 listing price is the custom; 200-index ETFs sit near ₩30,000–40,000).
const START_MIN = 5_000;
const START_MAX = 50_000;
// Mean daily traded value: NO real ADV is known for these ETFs (the universe
// file has none), so this is a documented guess: log-uniform ₩1bn–₩50bn a
// day, and three times that for leveraged/inverse ETFs, which are among the
// most traded on KRX. Treat any liquidity figure from it as made up.
const VALUE_MIN = 1e9;
const VALUE_MAX = 5e10;
const LEVERAGED_VALUE_MULT = 3;

function paramRng(seed: number): Prng {
  return new Prng((seed ^ PARAM_STREAM) >>> 0);
}

function logUniform(rng: Prng, lo: number, hi: number): number {
  return Math.exp(rng.uniform(Math.log(lo), Math.log(hi)));
}

/** The seeded default start price (KRW, not yet on a tick) for a generator seed. */
export function krDemoStartPrice(seed: number): number {
  return logUniform(paramRng(seed), START_MIN, START_MAX);
}

/** The seeded default mean daily traded value (KRW) for a generator seed and leverage (a documented guess; see the constants). */
export function krDemoTradedValue(seed: number, leverage = 1): number {
  const rng = paramRng(seed);
  rng.next(); // the start price's draw
  return logUniform(rng, VALUE_MIN, VALUE_MAX) * (leverage === 1 ? 1 : LEVERAGED_VALUE_MULT);
}

/**
 * Generates a KR ETF's DEMO bars, deterministic from the seed (same PRNG as
 * the US generator, whose regime-switching path serves as the ETF's index).
 *
 * Each session the ETF moves `leverage` times the index's move from the
 * previous close (open, close and the wicks alike; an inverse ETF's high
 * comes from the index's low). Every price is then put on the KRX ETF tick
 * of its date (5 won before the ETF tick reform; from it 1 won below 2,000)
 * and inside the day's KRX price limit around the previous close (±30 %,
 * ±15 % before 2015-06-15, times |leverage|), the first session's base being
 * the start price. OHLC is consistent (low ≤ open, close ≤ high). Volume is
 * whole shares: the index's traded-value profile scaled so the mean of
 * close × volume is `tradedValueKrw` (up to share rounding).
 */
export function generateKrSyntheticSeries(input: KrSyntheticBarsInput): BarSeries {
  const { symbol, sessions } = input;
  const n = sessions.length;
  const leverage = input.leverage ?? 1;
  if (!Number.isFinite(leverage) || leverage === 0) throw new RangeError(`leverage of ${symbol} must be a non-zero number such as 1, 2 or -1, got ${leverage}`);
  const seed = input.seed ?? symbolSeed(symbol);
  const value = input.tradedValueKrw ?? krDemoTradedValue(seed, leverage);
  if (!(value > 0)) throw new RangeError(`tradedValueKrw must be positive for ${symbol}, got ${value}`);
  const u = input.underlying ?? generateSyntheticSeries({ symbol, sessions, seed, dollarAdv: UNDERLYING_DOLLAR_ADV, startPrice: UNDERLYING_START });
  if (u.dates.length !== n) throw new RangeError(`underlying of ${symbol} has ${u.dates.length} bars for ${n} sessions; give it the same dates`);

  const { open, high, low, close, volume } = ohlcvColumns(n);
  if (n === 0) return { symbol, dates: sessions, open, high, low, close, volume };

  const startRaw = input.startPrice ?? krDemoStartPrice(seed);
  if (!(startRaw > 0)) throw new RangeError(`startPrice must be a positive KRW price for ${symbol}, got ${startRaw}`);
  let base = roundToMarketTick({ market: 'KR', instrument: 'etf', date: sessions[0]!, price: startRaw });
  let indexBase = input.underlying ? u.open[0]! : UNDERLYING_START;
  const absLeverage = Math.abs(leverage);

  for (let t = 0; t < n; t++) {
    const date = sessions[t]!;
    const band = dailyPriceBand({ market: 'KR', instrument: 'etf', date, previousClose: base, leverage: absLeverage })!;
    const at = (indexPrice: number): number => {
      const raw = base * (1 + leverage * (indexPrice / indexBase - 1));
      // Clamp before rounding: a price at or below zero has no tick.
      const inBand = raw < band.lower ? band.lower : raw > band.upper ? band.upper : raw;
      const onTick = roundToMarketTick({ market: 'KR', instrument: 'etf', date, price: inBand });
      return onTick < band.lower ? band.lower : onTick > band.upper ? band.upper : onTick;
    };
    const o = at(u.open[t]!);
    const c = at(u.close[t]!);
    const hi = at(leverage > 0 ? u.high[t]! : u.low[t]!);
    const lo = at(leverage > 0 ? u.low[t]! : u.high[t]!);
    open[t] = o;
    close[t] = c;
    high[t] = Math.max(hi, o, c);
    low[t] = Math.min(lo, o, c);
    base = c;
    indexBase = u.close[t]!;
  }

  // Traded-value profile of the index (its close × volume), rescaled to KRW.
  let profile = 0;
  for (let t = 0; t < n; t++) profile += u.close[t]! * u.volume[t]!;
  const scale = profile > 0 ? (value * n) / profile : 0;
  for (let t = 0; t < n; t++) volume[t] = Math.max(1, Math.round((u.close[t]! * u.volume[t]! * scale) / close[t]!));
  return { symbol, dates: sessions, open, high, low, close, volume };
}

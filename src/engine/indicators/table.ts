import type { BarSeries } from '../bars.js';
import { bollinger } from './bollinger.js';
import { IndicatorCache } from './cache.js';
import { dollarAdv } from './dollar-adv.js';
import { histVol } from './hist-vol.js';
import { macd } from './macd.js';
import { rsi } from './rsi.js';
import { momentum, roc } from './roc.js';
import { stochastic } from './stochastic.js';
import { zScore } from './zscore.js';

/**
 * One bar with every standard indicator, JSON-friendly: warm-up values are
 * null rather than NaN (JSON.stringify would turn NaN into null anyway, but
 * silently). Column suffixes are the periods.
 */
export interface IndicatorRow {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  sma50: number | null;
  sma200: number | null;
  ema20: number | null;
  atr14: number | null;
  rsi14: number | null;
  donchianUpper55: number | null;
  donchianLower55: number | null;
  donchianUpper20: number | null;
  donchianLower20: number | null;
  ibs: number | null;
  bbMiddle20: number | null;
  bbUpper20: number | null;
  bbLower20: number | null;
  dollarAdv20: number | null;
  macd: number | null;
  macdSignal: number | null;
  macdHistogram: number | null;
  stochK14: number | null;
  stochD3: number | null;
  roc10: number | null;
  momentum10: number | null;
  zScore20: number | null;
  histVol20: number | null;
}

function nn(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}

/**
 * Every standard indicator for every bar of `series`, one plain object per
 * bar (oldest first). Pass a cache to reuse columns a strategy already built.
 * Allocates a row object per bar: meant for charts, exports and the API, not
 * for universe scans (use the column kernels there).
 */
export function indicatorTable(series: BarSeries, cache = new IndicatorCache(series)): IndicatorRow[] {
  const { open, high, low, close, volume, dates } = series;
  const sma50 = cache.sma(50);
  const sma200 = cache.sma(200);
  const ema20 = cache.ema(20);
  const atr14 = cache.atr(14);
  const rsi14 = rsi(close, 14);
  const dcu55 = cache.donchianUpper(55);
  const dcl55 = cache.donchianLower(55).lower;
  const dcu20 = cache.donchianUpper(20);
  const dcl20 = cache.donchianLower(20).lower;
  const ibsCol = cache.ibs();
  const bb = bollinger(close, 20, 2);
  const adv = dollarAdv(close, volume, 20);
  const m = macd(close, 12, 26, 9);
  const st = stochastic(high, low, close, 14, 3);
  const roc10 = roc(close, 10);
  const mom10 = momentum(close, 10);
  const z20 = zScore(close, 20);
  const hv20 = histVol(close, 20);
  const len = close.length;
  const rows: IndicatorRow[] = new Array(len);
  for (let t = 0; t < len; t++) {
    rows[t] = {
      date: dates[t]!,
      open: open[t]!,
      high: high[t]!,
      low: low[t]!,
      close: close[t]!,
      volume: volume[t]!,
      sma50: nn(sma50[t]!),
      sma200: nn(sma200[t]!),
      ema20: nn(ema20[t]!),
      atr14: nn(atr14[t]!),
      rsi14: nn(rsi14[t]!),
      donchianUpper55: nn(dcu55[t]!),
      donchianLower55: nn(dcl55[t]!),
      donchianUpper20: nn(dcu20[t]!),
      donchianLower20: nn(dcl20[t]!),
      ibs: nn(ibsCol[t]!),
      bbMiddle20: nn(bb.middle[t]!),
      bbUpper20: nn(bb.upper[t]!),
      bbLower20: nn(bb.lower[t]!),
      dollarAdv20: nn(adv[t]!),
      macd: nn(m.macd[t]!),
      macdSignal: nn(m.signal[t]!),
      macdHistogram: nn(m.histogram[t]!),
      stochK14: nn(st.k[t]!),
      stochD3: nn(st.d[t]!),
      roc10: nn(roc10[t]!),
      momentum10: nn(mom10[t]!),
      zScore20: nn(z20[t]!),
      histVol20: nn(hv20[t]!),
    };
  }
  return rows;
}

import { describe, expect, it } from 'vitest';
import {
  atr,
  bollinger,
  dollarAdv,
  donchianLower,
  donchianUpper,
  ema,
  histVol,
  ibs,
  IndicatorCache,
  indicatorTable,
  macd,
  momentum,
  roc,
  rsi,
  sma,
  stochastic,
  zScore,
} from '../../../../src/engine/indicators/index.js';
import { loadFixture } from '../fixtures.js';

const spy = loadFixture('SPY');
const rows = indicatorTable(spy);

describe('indicatorTable', () => {
  it('has one row per bar with the bar itself', () => {
    expect(rows).toHaveLength(spy.close.length);
    const t = 1234;
    expect(rows[t]).toMatchObject({
      date: spy.dates[t],
      open: spy.open[t],
      high: spy.high[t],
      low: spy.low[t],
      close: spy.close[t],
      volume: spy.volume[t],
    });
  });

  it('holds exactly the kernel values, with null during warm-up', () => {
    const { high, low, close, volume } = spy;
    const bb = bollinger(close, 20, 2);
    const m = macd(close, 12, 26, 9);
    const st = stochastic(high, low, close, 14, 3);
    const expected: Record<string, Float64Array> = {
      sma50: sma(close, 50),
      sma200: sma(close, 200),
      ema20: ema(close, 20),
      atr14: atr(high, low, close, 14),
      rsi14: rsi(close, 14),
      donchianUpper55: donchianUpper(high, 55),
      donchianLower55: donchianLower(low, 55),
      donchianUpper20: donchianUpper(high, 20),
      donchianLower20: donchianLower(low, 20),
      ibs: ibs(high, low, close),
      bbMiddle20: bb.middle,
      bbUpper20: bb.upper,
      bbLower20: bb.lower,
      dollarAdv20: dollarAdv(close, volume, 20),
      macd: m.macd,
      macdSignal: m.signal,
      macdHistogram: m.histogram,
      stochK14: st.k,
      stochD3: st.d,
      roc10: roc(close, 10),
      momentum10: momentum(close, 10),
      zScore20: zScore(close, 20),
      histVol20: histVol(close, 20),
    };
    expect(Object.keys(rows[0]!).sort()).toEqual(
      ['date', 'open', 'high', 'low', 'close', 'volume', ...Object.keys(expected)].sort(),
    );
    for (const [key, col] of Object.entries(expected)) {
      for (let t = 0; t < rows.length; t++) {
        const v = (rows[t] as unknown as Record<string, number | null>)[key];
        const e = col[t]!;
        if (Number.isNaN(e) ? v !== null : v !== e) expect.fail(`${key}[${t}]: got ${v}, expected ${e}`);
      }
    }
  });

  it('turns warm-up into null at the documented boundaries', () => {
    expect(rows[198]!.sma200).toBeNull();
    expect(rows[199]!.sma200).toEqual(expect.any(Number));
    expect(rows[54]!.donchianUpper55).toBeNull();
    expect(rows[55]!.donchianUpper55).toEqual(expect.any(Number));
    expect(rows[13]!.rsi14).toBeNull();
    expect(rows[14]!.rsi14).toEqual(expect.any(Number));
    expect(rows[32]!.macdSignal).toBeNull();
    expect(rows[33]!.macdSignal).toEqual(expect.any(Number));
  });

  it('survives a JSON round trip unchanged (no NaN or undefined anywhere)', () => {
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
    for (const row of rows) for (const v of Object.values(row)) expect(v === null || typeof v === 'string' || Number.isFinite(v)).toBe(true);
  });

  it('gives the same rows when reusing a cache the strategies already filled', () => {
    const cache = new IndicatorCache(spy);
    cache.sma(200);
    cache.atr(14);
    expect(indicatorTable(spy, cache)).toEqual(rows);
  });
});

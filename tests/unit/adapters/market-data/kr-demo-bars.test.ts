import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { XKRX_CALENDAR, XNYS_CALENDAR } from '../../../../src/engine/calendar/exchange.js';
import { sessionsBetween as krxSessionsBetween, sessionsOf as krxSessionsOf } from '../../../../src/engine/calendar/krx/index.js';
import { isSession as nyseIsSession } from '../../../../src/engine/calendar/index.js';
import { dailyPriceBand, isOnMarketTick } from '../../../../src/engine/market/index.js';
import { exchangeSessions } from '../../../../src/adapters/market-data/synthetic/exchange-sessions.js';
import { generateKrSyntheticSeries, krDemoStartPrice, krDemoTradedValue } from '../../../../src/adapters/market-data/synthetic/generate-kr-bars.js';
import { generateKrDemoUniverse, krDemoInputFor, krDemoSessions } from '../../../../src/adapters/market-data/synthetic/generate-kr-universe.js';
import { loadKrEtfUniverse } from '../../../../src/adapters/market-data/universe/kr-universe.js';

const universe = loadKrEtfUniverse();
const END = '2026-01-09';
const sessions = krDemoSessions(END);
// The whole default KR DEMO dataset (61 ETFs × 2520 KRX sessions, salt 0), generated once.
const dataset = generateKrDemoUniverse(universe, sessions);

/** A hand-made index path: one bar per date, open = previous close, wicks ±0.1 %. */
function indexPath(dates: string[], closes: number[]): BarSeries {
  const n = dates.length;
  const f = (xs: number[]) => Float64Array.from(xs);
  const opens = closes.map((_, i) => (i === 0 ? 100 : closes[i - 1]!));
  return {
    symbol: 'IDX',
    dates,
    open: f(opens),
    close: f(closes),
    high: f(closes.map((c, i) => Math.max(c, opens[i]!) * 1.001)),
    low: f(closes.map((c, i) => Math.min(c, opens[i]!) * 0.999)),
    volume: f(new Array<number>(n).fill(1000)),
  };
}

describe('KR DEMO sessions', () => {
  it('are exactly the KRX sessions of a year, not the NYSE ones', () => {
    const y2024 = krxSessionsOf(2024);
    expect(krDemoSessions('2024-12-31', y2024.length)).toEqual(y2024);
    expect(exchangeSessions('2024-12-31', y2024.length, XKRX_CALENDAR)).toEqual(y2024);
    // Chuseok 2024 (Sep 16–18) is closed on KRX; the US Independence Day is a KRX session.
    expect(y2024.filter((d) => d >= '2024-09-16' && d <= '2024-09-18')).toEqual([]);
    expect(y2024).toContain('2024-07-04');
    expect(nyseIsSession('2024-07-04')).toBe(false);
    for (const s of dataset.values()) expect(s.dates).toBe(sessions);
    expect(sessions).toHaveLength(2520);
    expect(sessions.at(-1)).toBe(END);
    expect(sessions).toEqual(krxSessionsBetween(sessions[0]!, END));
  });

  it('leave the US default unchanged: without a calendar, exchangeSessions is the NYSE one', () => {
    expect(exchangeSessions('2026-01-09', 2520)).toEqual(exchangeSessions('2026-01-09', 2520, XNYS_CALENDAR));
    expect(exchangeSessions('2026-01-09', 2520)).not.toEqual(sessions);
    expect(() => exchangeSessions('2001-06-01', 2520, XKRX_CALENDAR)).toThrow(/XKRX sessions up to 2001-06-01 reach before 2000/);
  });
});

describe('KR DEMO bars: the rules every bar of the 61-ETF dataset follows', () => {
  it('are whole won on the KRX ETF tick of their date, OHLC consistent, volume whole shares ≥ 1', () => {
    const bad: string[] = [];
    for (const [sym, s] of dataset) {
      for (let i = 0; i < s.dates.length; i++) {
        const date = s.dates[i]!;
        const [o, h, l, c, v] = [s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!, s.volume[i]!];
        for (const price of [o, h, l, c]) if (!Number.isInteger(price) || !isOnMarketTick({ market: 'KR', instrument: 'etf', date, price })) bad.push(`${sym} ${date} price ${price}`);
        if (!(l <= Math.min(o, c) && Math.max(o, c) <= h)) bad.push(`${sym} ${date} OHLC ${o}/${h}/${l}/${c}`);
        if (!Number.isInteger(v) || v < 1) bad.push(`${sym} ${date} volume ${v}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('use the 1-won tick below ₩2,000 from the ETF tick reform on (the data has such prices), and only 5-won steps before it', () => {
    let oneWonSteps = 0;
    const offGrid: string[] = [];
    for (const s of dataset.values()) {
      for (let i = 0; i < s.dates.length; i++) {
        for (const p of [s.open[i]!, s.high[i]!, s.low[i]!, s.close[i]!]) {
          if (p % 5 === 0) continue;
          if (s.dates[i]! < '2023-12-11' || p >= 2_000) offGrid.push(`${s.symbol} ${s.dates[i]} ${p}`);
          else oneWonSteps++;
        }
      }
    }
    expect(offGrid.slice(0, 10)).toEqual([]);
    expect(oneWonSteps).toBeGreaterThan(0);
  });

  it('stay inside the KRX daily limit around the previous close (× leverage for leveraged ETFs)', () => {
    const bad: string[] = [];
    for (const e of universe) {
      const s = dataset.get(e.symbol)!;
      for (let i = 1; i < s.dates.length; i++) {
        const band = dailyPriceBand({ market: 'KR', instrument: 'etf', date: s.dates[i]!, previousClose: s.close[i - 1]!, leverage: Math.abs(e.leverage) })!;
        if (s.low[i]! < band.lower || s.high[i]! > band.upper) bad.push(`${e.symbol} ${s.dates[i]} ${s.low[i]}–${s.high[i]} outside ${band.lower}–${band.upper}`);
      }
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('start at plausible KR ETF prices (₩5,000–50,000, per symbol) and trade a plausible, seeded KRW value a day', () => {
    const starts = universe.map((e) => krDemoStartPrice(krDemoInputFor(e, sessions).seed!));
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(5_000);
    expect(Math.max(...starts)).toBeLessThanOrEqual(50_000);
    expect(new Set(starts.map(Math.round)).size).toBe(61);
    for (const e of universe) {
      const s = dataset.get(e.symbol)!;
      const seed = krDemoInputFor(e, sessions).seed!;
      // The first bar opens within the day's limit of the start price.
      const band = dailyPriceBand({ market: 'KR', instrument: 'etf', date: sessions[0]!, previousClose: krDemoStartPrice(seed), leverage: Math.abs(e.leverage) })!;
      expect(s.open[0]!).toBeGreaterThanOrEqual(band.lower - 5);
      expect(s.open[0]!).toBeLessThanOrEqual(band.upper + 5);
      let value = 0;
      for (let i = 0; i < s.close.length; i++) value += s.close[i]! * s.volume[i]!;
      const target = krDemoTradedValue(seed, e.leverage);
      expect(target).toBeGreaterThanOrEqual(1e9);
      expect(target).toBeLessThanOrEqual(e.leverage === 1 ? 5e10 : 1.5e11);
      expect(Math.abs(value / s.close.length / target - 1)).toBeLessThan(0.01);
    }
  });
});

describe('KR DEMO bars: ticks, limits and leverage on hand-made index paths', () => {
  const dec2023 = ['2023-12-07', '2023-12-08', '2023-12-11', '2023-12-12'];

  it('round to 5 won before 2023-12-11 and to 1 won below ₩2,000 from then on', () => {
    // Index +0.1 % a day from 100: ₩1,903 → 1,905 (5-won grid); 1,905 × 1.001 = 1,906.9 → 1,905 on 12-08,
    // then from 12-11 1,905 × 1.001 = 1,906.905 → 1,907 and 1,907 × 1.000999 = 1,908.9 → 1,909.
    const idx = indexPath(dec2023, [100, 100.1, 100.2, 100.3]);
    const s = generateKrSyntheticSeries({ symbol: '999999', sessions: dec2023, startPrice: 1_903, tradedValueKrw: 1e9, underlying: idx });
    expect([...s.close]).toEqual([1_905, 1_905, 1_907, 1_909]);
  });

  it('clamp a crash to the ±15 % limit before 2015-06-15 and a rally to ±30 % from then, both times |leverage|', () => {
    const dates = ['2015-06-11', '2015-06-12', '2015-06-15'];
    // Index flat, then −50 %, then +80 %.
    const idx = indexPath(dates, [100, 50, 90]);
    const plain = generateKrSyntheticSeries({ symbol: '999998', sessions: dates, startPrice: 10_000, tradedValueKrw: 1e9, underlying: idx });
    // 10,000 × 0.85 = 8,500 (15 % floor); 8,500 × 1.30 = 11,050 (30 % ceiling).
    expect([...plain.close]).toEqual([10_000, 8_500, 11_050]);
    expect(plain.low[1]).toBe(8_500);
    expect(plain.high[2]).toBe(11_050);
    const lev2 = generateKrSyntheticSeries({ symbol: '999997', sessions: dates, leverage: 2, startPrice: 10_000, tradedValueKrw: 1e9, underlying: idx });
    // 10,000 × 0.70 = 7,000 (2 × 15 %); 7,000 × 1.60 = 11,200 (2 × 30 %).
    expect([...lev2.close]).toEqual([10_000, 7_000, 11_200]);
    const inv = generateKrSyntheticSeries({ symbol: '999996', sessions: dates, leverage: -1, startPrice: 10_000, tradedValueKrw: 1e9, underlying: idx });
    // Inverse: index −50 % → +50 %, capped at 11,500; then index +80 % → −80 %, floored at 11,500 × 0.70 = 8,050.
    expect([...inv.close]).toEqual([10_000, 11_500, 8_050]);
  });

  it('move an inverse ETF against the index and a 2x ETF twice as far, wicks swapped for the inverse', () => {
    const dates = krxSessionsBetween('2024-03-04', '2024-03-06');
    const idx = indexPath(dates, [100, 102, 101]);
    const base = { sessions: dates, startPrice: 20_000, tradedValueKrw: 1e9, underlying: idx };
    const one = generateKrSyntheticSeries({ ...base, symbol: '999995' });
    const two = generateKrSyntheticSeries({ ...base, symbol: '999994', leverage: 2 });
    const inv = generateKrSyntheticSeries({ ...base, symbol: '999993', leverage: -1 });
    expect(one.close[1]).toBe(20_400); // +2 %
    expect(two.close[1]).toBe(20_800); // +4 %
    expect(inv.close[1]).toBe(19_600); // −2 %
    // The inverse's high comes from the index's low: 20,000 × (1 + 0.1 %) = 20,020.
    expect(inv.high[1]).toBe(20_020);
  });
});

describe('KR DEMO dataset determinism', () => {
  it('is the same bit for bit on every run: the pinned checksum of the default dataset', () => {
    const again = generateKrDemoUniverse(universe, sessions);
    const h = createHash('sha256');
    h.update(sessions.join(','));
    for (const e of universe) {
      const s = again.get(e.symbol)!;
      h.update(e.symbol);
      for (const col of [s.open, s.high, s.low, s.close, s.volume]) h.update(Buffer.from(Float64Array.from(col).buffer));
      expect(s.close).toEqual(dataset.get(e.symbol)!.close);
    }
    // Computed once from KR generator v1 (KR_DEMO_GENERATOR_VERSION = 1) over
    // the 2520 KRX sessions to 2026-01-09, salt 0. A change here changes the
    // stored `demo-kr` dataset: bump KR_DEMO_GENERATOR_VERSION, then re-pin.
    expect(h.digest('hex')).toBe(KR_DEMO_DIGEST);
  });

  it('changes with the salt and differs between symbols', () => {
    const e = universe[0]!;
    const a = generateKrSyntheticSeries(krDemoInputFor(e, sessions, 0));
    const b = generateKrSyntheticSeries(krDemoInputFor(e, sessions, 1));
    expect(a.close).not.toEqual(b.close);
    expect(dataset.get('069500')!.close).not.toEqual(dataset.get('102110')!.close);
  });
});

const KR_DEMO_DIGEST = 'c41dc7581bdc4fe045c30e65bf29db923c0c8cc55e9c5c3306b26342b6327d62';

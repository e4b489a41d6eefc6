import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { checkBars } from '../../../../src/adapters/market-data/quality/check-bars.js';
import { generateSyntheticBars, generateSyntheticSeries } from '../../../../src/adapters/market-data/synthetic/generate-bars.js';
import { generateSyntheticUniverse } from '../../../../src/adapters/market-data/synthetic/generate-universe.js';
import { Prng } from '../../../../src/adapters/market-data/synthetic/prng.js';
import { symbolSeed } from '../../../../src/adapters/market-data/synthetic/seed.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';
import { SyntheticProvider } from '../../../../src/adapters/market-data/synthetic/synthetic-provider.js';
import { loadDefaultUniverse } from '../../../../src/adapters/market-data/universe/default-universe.js';
import { DataProviderError } from '../../../../src/adapters/market-data/errors.js';

const SESSIONS = weekdaySessions('2025-12-31', 2520);
const UNIVERSE = loadDefaultUniverse().entries;

describe('Prng and symbolSeed', () => {
  it('are deterministic and spread values', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    const n = new Prng(7);
    const zs = Array.from({ length: 20_000 }, () => n.normal());
    const m = zs.reduce((s, z) => s + z, 0) / zs.length;
    const v = zs.reduce((s, z) => s + (z - m) ** 2, 0) / zs.length;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(v).toBeGreaterThan(0.95);
    expect(v).toBeLessThan(1.05);
    expect(symbolSeed('AAPL')).toBe(symbolSeed('AAPL'));
    expect(symbolSeed('AAPL')).not.toBe(symbolSeed('AAPM'));
    expect(symbolSeed('AAPL', 1)).not.toBe(symbolSeed('AAPL'));
  });
});

describe('weekdaySessions', () => {
  it('returns the last N weekdays, oldest first, ending on or before endDate', () => {
    expect(weekdaySessions('2024-03-31', 3)).toEqual(['2024-03-27', '2024-03-28', '2024-03-29']); // Sunday end
    expect(weekdaySessions('2024-03-29', 2)).toEqual(['2024-03-28', '2024-03-29']);
    expect(weekdaySessions('2024-01-01', 0)).toEqual([]);
    expect(SESSIONS).toHaveLength(2520);
    expect(SESSIONS[2519]).toBe('2025-12-31');
    expect(() => weekdaySessions('2024-02-30', 1)).toThrow(/not a YYYY-MM-DD/);
  });
});

describe('generateSyntheticBars', () => {
  const input = { symbol: 'DEMO', sessions: SESSIONS, dollarAdv: 250_000_000 };

  it('is deterministic: same inputs give identical bars; symbol, seed and salt change them', () => {
    const a = generateSyntheticBars(input);
    const b = generateSyntheticBars({ ...input, sessions: [...SESSIONS] });
    expect(b).toEqual(a);
    expect(a).toHaveLength(2520);
    expect(a.map((x) => x.date)).toEqual(SESSIONS);
    expect(generateSyntheticBars({ ...input, symbol: 'OTHER' })[100]).not.toEqual(a[100]);
    expect(generateSyntheticBars({ ...input, seed: 1 })[100]).not.toEqual(a[100]);
    // The default seed is the symbol's stable hash.
    expect(generateSyntheticBars({ ...input, seed: symbolSeed('DEMO') })).toEqual(a);
  });

  it('starts at startPrice and passes every data-quality check', () => {
    const bars = generateSyntheticBars({ ...input, startPrice: 42 });
    expect(Math.abs(bars[0]!.open / 42 - 1)).toBeLessThan(0.1);
    const r = checkBars('DEMO', bars, { asOf: '2025-12-31' });
    expect(r.issues.filter((i) => i.dropped)).toEqual([]);
    expect(r.issues.filter((i) => i.kind !== 'absurd_move')).toEqual([]);
  });

  it('rejects a non-positive ADV', () => {
    expect(() => generateSyntheticBars({ ...input, dollarAdv: 0 })).toThrow(/dollarAdv must be positive/);
  });
});

describe('synthetic 900-symbol universe', () => {
  let universe: Map<string, BarSeries>;
  let elapsedMs = 0;

  // CPU time, not wall time: the suite shares the machine with other test
  // workers, and waiting for a core says nothing about the generator.
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };

  it('generates 900 symbols × 2,520 bars, in columnar and in row form (speed: npm run bench)', () => {
    generateSyntheticSeries({ symbol: 'WARM', sessions: SESSIONS, dollarAdv: 1e8 }); // JIT warm-up
    let c0 = process.cpuUsage();
    universe = generateSyntheticUniverse(UNIVERSE, SESSIONS);
    const columnarMs = cpuMs(c0);
    expect(universe.size).toBe(900);

    c0 = process.cpuUsage();
    let n = 0;
    for (const e of UNIVERSE) n += generateSyntheticBars({ symbol: e.symbol, sessions: SESSIONS, dollarAdv: e.advDollar! }).length;
    const rowsMs = cpuMs(c0);
    expect(n).toBe(900 * 2520);
    console.info(`synthetic universe CPU time: columnar ${columnarMs.toFixed(0)} ms, rows ${rowsMs.toFixed(0)} ms`);
  });

  it('has consistent OHLC on every bar and prices ≥ $5 almost always', () => {
    let bad = 0;
    let below5 = 0;
    let total = 0;
    for (const s of universe.values()) {
      for (let i = 0; i < s.close.length; i++) {
        const o = s.open[i]!;
        const h = s.high[i]!;
        const l = s.low[i]!;
        const c = s.close[i]!;
        if (!(l > 0 && l <= o && l <= c && h >= o && h >= c && s.volume[i]! >= 1)) bad++;
        if (c < 5) below5++;
        total++;
      }
    }
    expect(bad).toBe(0);
    expect(below5 / total).toBeLessThan(0.01);
  });

  it('scales volume so mean(close × volume) is within 10% of each symbol’s real dollar ADV', () => {
    const worst = { symbol: '', err: 0 };
    for (const e of UNIVERSE) {
      const s = universe.get(e.symbol)!;
      let dollars = 0;
      for (let i = 0; i < s.close.length; i++) dollars += s.close[i]! * s.volume[i]!;
      const err = Math.abs(dollars / s.close.length / e.advDollar! - 1);
      if (err > worst.err) Object.assign(worst, { symbol: e.symbol, err });
    }
    expect(worst.err).toBeLessThan(0.1);
  });

  it('fires Donchian-55 breakouts and Turtle Soup setups (both above SMA200) often enough, but not on every bar', () => {
    let donchian = 0;
    let soup = 0;
    let symbolsWithFewDonchian = 0;
    let symbolsWithFewSoup = 0;
    for (const s of universe.values()) {
      let d = 0;
      let t = 0;
      // Deliberately naive: recompute every window from scratch.
      for (let i = 200; i < s.close.length; i++) {
        let sma = 0;
        for (let k = i - 199; k <= i; k++) sma += s.close[k]!;
        sma /= 200;
        let high55 = -Infinity;
        for (let k = i - 55; k < i; k++) high55 = Math.max(high55, s.high[k]!);
        let low20 = Infinity;
        for (let k = i - 20; k < i; k++) low20 = Math.min(low20, s.low[k]!);
        const c = s.close[i]!;
        if (c > high55 && c > sma) d++;
        if (s.low[i]! < low20 && low20 < c && c > sma) t++;
      }
      donchian += d;
      soup += t;
      if (d < 10) symbolsWithFewDonchian++;
      if (t < 5) symbolsWithFewSoup++;
    }
    const perSymbolDonchian = donchian / universe.size;
    const perSymbolSoup = soup / universe.size;
    console.info(`signals per symbol over ${SESSIONS.length - 200} bars: donchian ${perSymbolDonchian.toFixed(1)}, turtle soup ${perSymbolSoup.toFixed(1)}`);
    // Real SPY 2015-2025 (data/ohlcv) has ~120 Donchian and ~20 Turtle Soup days per 1,000 bars.
    expect(perSymbolDonchian).toBeGreaterThan(20);
    expect(perSymbolDonchian).toBeLessThan(300);
    expect(perSymbolSoup).toBeGreaterThan(10);
    expect(perSymbolSoup).toBeLessThan(150);
    expect(symbolsWithFewDonchian / universe.size).toBeLessThan(0.05);
    expect(symbolsWithFewSoup / universe.size).toBeLessThan(0.05);
  });
});

describe('SyntheticProvider', () => {
  const p = new SyntheticProvider({ universe: UNIVERSE.slice(0, 10), endDate: '2025-12-31' });

  it('is a demo provider whose bars do not depend on the range asked', async () => {
    expect(p.demo).toBe(true);
    const all = await p.dailyBars('SPY', { from: '1900-01-01', to: '2100-01-01' });
    expect(all).toHaveLength(2520);
    const part = await p.dailyBars('spy', { from: '2025-06-02', to: '2025-06-06' });
    expect(part).toEqual(all.filter((b) => b.date >= '2025-06-02' && b.date <= '2025-06-06'));
    expect(part).toHaveLength(5);
    // A fresh provider with the same settings gives the same bars.
    const again = new SyntheticProvider({ universe: UNIVERSE.slice(0, 10), endDate: '2025-12-31' });
    expect(await again.dailyBars('SPY', { from: '2025-06-02', to: '2025-06-06' })).toEqual(part);
  });

  it('uses the universe ADV and price level', async () => {
    const spy = UNIVERSE[0]!;
    const s = p.series('SPY');
    let dollars = 0;
    for (let i = 0; i < s.close.length; i++) dollars += s.close[i]! * s.volume[i]!;
    expect(Math.abs(dollars / s.close.length / spy.advDollar! - 1)).toBeLessThan(0.01);
    expect(Math.abs(s.open[0]! / spy.avgPrice! - 1)).toBeLessThan(0.1);
  });

  it('says not_found for symbols outside its universe, and generates any symbol without one', async () => {
    const e = await p.dailyBars('ZZZZ', { from: '2025-01-01', to: '2025-02-01' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DataProviderError);
    expect((e as DataProviderError).kind).toBe('not_found');
    const open = new SyntheticProvider({ sessions: SESSIONS });
    expect(await open.dailyBars('ZZZZ', { from: '2025-12-29', to: '2025-12-31' })).toHaveLength(3);
  });
});

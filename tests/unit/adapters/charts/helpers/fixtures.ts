/** Deterministic chart inputs shared by the chart unit and integration tests. */
import type { BarChartSpec, Candle, CandleChartSpec, LineChartSpec } from '../../../../../src/adapters/charts/port.js';
import { equityChartSpec } from '../../../../../src/bot/charts/specs.js';

/** Small LCG so fixtures are identical on every run and machine. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `n` weekday-dated bars with a mix of up, down and flat days. */
export function makeBars(n = 120, seed = 7): Candle[] {
  const r = rng(seed);
  const bars: Candle[] = [];
  let close = 100;
  const day = new Date(Date.UTC(2024, 0, 2));
  while (bars.length < n) {
    const dow = day.getUTCDay();
    if (dow !== 0 && dow !== 6) {
      const o = close * (1 + (r() - 0.5) * 0.01);
      const c = bars.length % 17 === 5 ? o : o * (1 + (r() - 0.48) * 0.04);
      const h = Math.max(o, c) * (1 + r() * 0.01);
      const l = Math.min(o, c) * (1 - r() * 0.01);
      bars.push({ date: day.toISOString().slice(0, 10), o, h, l, c });
      close = c;
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return bars;
}

export function sma(values: readonly number[], n: number): (number | null)[] {
  return values.map((_, i) => (i + 1 < n ? null : values.slice(i + 1 - n, i + 1).reduce((a, b) => a + b, 0) / n));
}

/** Previous-`n`-bar channel, NaN during warm-up (as an indicator kernel would produce). */
export function donchian(bars: readonly Candle[], n: number): { upper: Float64Array; lower: Float64Array } {
  const upper = new Float64Array(bars.length).fill(NaN);
  const lower = new Float64Array(bars.length).fill(NaN);
  for (let i = n; i < bars.length; i++) {
    const w = bars.slice(i - n, i);
    upper[i] = Math.max(...w.map((b) => b.h));
    lower[i] = Math.min(...w.map((b) => b.l));
  }
  return { upper, lower };
}

export function candleSpec(overrides: Partial<CandleChartSpec> = {}): CandleChartSpec {
  const bars = makeBars();
  const { upper, lower } = donchian(bars, 20);
  const last = bars.at(-1)!.c;
  return {
    kind: 'candles',
    title: 'TEST · Donchian 20',
    bars,
    overlays: [
      { name: 'SMA50', values: sma(bars.map((b) => b.c), 50) },
      { name: 'Donchian upper', values: upper, dashed: true },
      { name: 'Donchian lower', values: lower, dashed: true },
    ],
    levels: [
      { role: 'entry', price: last },
      { role: 'stop', price: last * 0.93 },
      { role: 'target', price: last * 1.1 },
    ],
    watermark: 'DEMO',
    ...overrides,
  };
}

export function equitySpec(): LineChartSpec {
  const bars = makeBars(250, 11);
  let eq = 10_000;
  const equity = bars.map((b) => (eq *= 1 + (b.c / b.o - 1) * 0.8));
  return equityChartSpec({ title: 'Equity', dates: bars.map((b) => b.date), equity });
}

export function pnlSpec(overrides: Partial<BarChartSpec> = {}): BarChartSpec {
  return {
    kind: 'bars',
    title: 'P&L by position',
    labels: ['SPY', 'GL', 'RVLV', 'QQQ', 'IWM'],
    values: [120.5, -45, 300, 0, -80.25],
    valueLabel: 'P&L $',
    ...overrides,
  };
}

/**
 * Seeded test universes for incubation: a PLANTED-EDGE set, where every
 * third lower close in a row is followed by three days of +0.8 % ± 1 % (an
 * edge the generator's mean-reversion families — down closes, RSI(2)
 * oversold — can find), and a CONTROL set of random walks with a small
 * drift and no edge. Deterministic: same options, same bars. The idea is
 * lifted from tests/unit/engine/hypotheses/evaluate.test.ts.
 */
import { type Bar, type BarSeries, toSeries } from '../../src/engine/bars.js';
import { mulberry32 } from '../../src/engine/backtest/prng.js';

export interface PlantedUniverseOptions {
  /** PRNG seed. */
  seed: number;
  /** Number of symbols (kept small in tests: ≤ 20). */
  symbols: number;
  /** Bars per symbol (weekdays from `start`). */
  bars: number;
  /** true = the planted edge; false = a control random walk. */
  planted: boolean;
  /** First date (a weekday, ISO); default 2022-01-03. */
  start?: string;
  /** Symbol prefix; default 'P' for planted and 'C' for controls. */
  prefix?: string;
}

/** `n` consecutive weekdays (Mon–Fri) from `start`, as ISO dates. */
export function weekdays(start: string, n: number): string[] {
  const out: string[] = [];
  const d = new Date(`${start}T00:00:00Z`);
  while (out.length < n) {
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** One symbol's bars (see the module doc). */
function walk(rand: () => number, symbol: string, dates: readonly string[], planted: boolean): BarSeries {
  const rows: Bar[] = [];
  let prev = 40 + 60 * rand();
  let down = 0;
  let boost = 0;
  for (const date of dates) {
    const r = boost > 0 ? 0.008 + 0.02 * (rand() - 0.5) : 0.0003 + 0.03 * (rand() - 0.5);
    if (boost > 0) boost--;
    const open = prev * (1 + 0.004 * (rand() - 0.5));
    const close = prev * (1 + r);
    const high = Math.max(open, close) * (1 + 0.004 * rand());
    const low = Math.min(open, close) * (1 - 0.004 * rand());
    down = close < prev ? down + 1 : 0;
    if (planted && down >= 3) {
      boost = 3;
      down = 0;
    }
    rows.push({ date, open, high, low, close, volume: 1e6 });
    prev = close;
  }
  return toSeries(symbol, rows);
}

/** A seeded universe: planted edge or control (see the module doc). */
export function plantedUniverse(o: PlantedUniverseOptions): BarSeries[] {
  const rand = mulberry32(o.seed);
  const dates = weekdays(o.start ?? '2022-01-03', o.bars);
  const prefix = o.prefix ?? (o.planted ? 'P' : 'C');
  return Array.from({ length: o.symbols }, (_, k) => walk(rand, `${prefix}${String(k).padStart(2, '0')}`, dates, o.planted));
}

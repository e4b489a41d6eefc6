import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toSeries, type Bar, type BarSeries } from '../../../../src/engine/bars.js';
import type { Signal, StrategyId } from '../../../../src/engine/signal.js';

/** [open, high, low, close] */
export type Ohlc = readonly [number, number, number, number];

/** ISO date `n` calendar days after 2024-01-01 (UTC, so no DST surprises). */
export function day(n: number): string {
  return new Date(Date.UTC(2024, 0, 1 + n)).toISOString().slice(0, 10);
}

/** A series whose bar k is dated day(startDay + k), or day(dayIdx[k]) when given. */
export function series(symbol: string, bars: readonly Ohlc[], startDay = 0, dayIdx?: readonly number[]): BarSeries {
  const rows: Bar[] = bars.map(([open, high, low, close], k) => ({
    date: day(dayIdx ? dayIdx[k]! : startDay + k),
    open,
    high,
    low,
    close,
    volume: 1000,
  }));
  return toSeries(symbol, rows);
}

/** A hand-built signal at bar `index` of `s`. */
export function signal(
  s: BarSeries,
  index: number,
  levels: { stop: number; target?: number | null; timeStopBars?: number; score?: number; strategy?: StrategyId },
): Signal {
  return {
    symbol: s.symbol,
    strategy: levels.strategy ?? 'donchian',
    index,
    date: s.dates[index]!,
    close: s.close[index]!,
    stop: levels.stop,
    target: levels.target ?? null,
    atr: 1,
    timeStopBars: levels.timeStopBars ?? 20,
    score: levels.score ?? 1,
    reasons: ['test'],
  };
}

/** Loads a fixture from data/ohlcv (the repo's own copy). */
export function loadCsv(symbol: string): BarSeries {
  const path = fileURLToPath(new URL(`../../../../data/ohlcv/${symbol}.csv`, import.meta.url));
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(1);
  const rows: Bar[] = lines.map((line) => {
    const [date, open, high, low, close, volume] = line.split(',');
    return { date: date!, open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) };
  });
  return toSeries(symbol, rows);
}

/**
 * Test-local causal breakout rule (not a production strategy): close above the
 * highest close of the previous `lookback` bars. Stop 2 average ranges below,
 * target 3 ranges above on even bars and none on odd bars, so both exit
 * families get exercised.
 */
export function breakoutSignals(
  s: BarSeries,
  p: { lookback: number; timeStopBars: number; strategy?: StrategyId },
): Signal[] {
  const out: Signal[] = [];
  for (let t = p.lookback; t < s.dates.length; t++) {
    let hi = -Infinity;
    let range = 0;
    for (let k = t - p.lookback; k < t; k++) {
      hi = Math.max(hi, s.close[k]!);
      range += s.high[k]! - s.low[k]!;
    }
    range /= p.lookback;
    const c = s.close[t]!;
    if (c <= hi) continue;
    out.push({
      symbol: s.symbol,
      strategy: p.strategy ?? 'donchian',
      index: t,
      date: s.dates[t]!,
      close: c,
      stop: c - 2 * range,
      target: t % 2 === 0 ? c + 3 * range : null,
      atr: range,
      timeStopBars: p.timeStopBars,
      score: (c - hi) / range,
      reasons: [`close ${c} > hi${p.lookback} ${hi}`],
    });
  }
  return out;
}

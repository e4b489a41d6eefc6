import type { BarSeries } from '../bars.js';
import type { Signal, SignalSourceId } from '../signal.js';
import type { Calendar } from './calendar.js';
import type { SkippedSignal } from './portfolio-types.js';
import { signalBarIndex } from './signal-bar.js';
import type { SignalSource } from './signal-source.js';
import type { SimCandidates } from './simulate.js';

/**
 * Signals resolved against the calendar, stored column-wise and already in
 * processing order (entry day asc, score desc, symbol asc, strategy asc, then
 * bar and levels). The daily loop walks these arrays front to back; the
 * prices it needs are gathered here in series order, so a universe with
 * hundreds of thousands of signals does not cost a cache miss per signal later.
 */
export interface Candidates extends SimCandidates {
  /** Strategy ids seen in the signals, sorted; `strat` indexes this. */
  strategies: SignalSourceId[];
  /** Index into the symbol-sorted series. */
  sym: Int32Array;
  strat: Int32Array;
  /** Signal bar in the series. */
  t: Int32Array;
  /** Calendar day of bar t+1, the entry bar. */
  entryDay: Int32Array;
  /** Raw open of the entry bar. */
  entryOpen: Float64Array;
  stop: Float64Array;
  /** The signal's score as given (NaN kept). */
  score: Float64Array;
  /** Signals rejected before the daily loop (unknown symbol/date, last bar), date-ordered. */
  preSkipped: SkippedSignal[];
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric compare that orders NaN last instead of poisoning the sort. */
function cmpNum(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function preSkip(signal: Signal, reason: SkippedSignal['reason']): SkippedSignal {
  return { symbol: signal.symbol, strategy: signal.strategy, signalDate: signal.date, date: signal.date, reason, score: signal.score };
}

/**
 * Collects every signal, resolves its bar and entry day, and orders the
 * candidates the way the daily loop consumes them. Signals dated outside the
 * calendar's range are dropped silently: they belong to another backtest
 * window, not to this one's skip log.
 *
 * @param series sorted by symbol
 */
export function collectCandidates(
  series: readonly BarSeries[],
  symIndex: ReadonlyMap<string, number>,
  sources: readonly SignalSource[],
  cal: Calendar,
): Candidates {
  // Keep the per-source/per-series arrays as they are: flattening hundreds of
  // thousands of signals into one array is pure garbage for the collector.
  const chunks: (readonly Signal[])[] = [];
  for (const src of sources) {
    if (typeof src === 'function') {
      for (const s of series) chunks.push(src(s));
    } else {
      chunks.push(src);
    }
  }
  let n = 0;
  const stratSet = new Set<SignalSourceId>();
  for (const chunk of chunks) {
    n += chunk.length;
    for (const sig of chunk) stratSet.add(sig.strategy);
  }
  const strategies = [...stratSet].sort(cmpStr);
  const stratIndex = new Map(strategies.map((id, i) => [id, i]));

  const sym = new Int32Array(n);
  const strat = new Int32Array(n);
  const t = new Int32Array(n);
  const entryDay = new Int32Array(n);
  const rank = new Float64Array(n);
  const openAt = new Float64Array(n);
  const stopAt = new Float64Array(n);
  const scoreAt = new Float64Array(n);
  const targetAt = new Float64Array(n);
  const hasTargetAt = new Uint8Array(n);
  const timeStopAt = new Float64Array(n);
  const preSkipped: SkippedSignal[] = [];
  const days = cal.dates.length;
  const startDate = days > 0 ? cal.dates[0]! : '';
  const endDate = days > 0 ? cal.dates[days - 1]! : '';
  let m = 0;
  for (const chunk of chunks) {
    for (const sig of chunk) {
      if (days === 0 || sig.date < startDate || sig.date > endDate) continue;
      const k = symIndex.get(sig.symbol);
      if (k === undefined) {
        preSkipped.push(preSkip(sig, 'unknown_symbol'));
        continue;
      }
      const bar = signalBarIndex(series[k]!, sig);
      if (bar < 0) {
        preSkipped.push(preSkip(sig, 'signal_bar_not_found'));
        continue;
      }
      if (bar + 1 > cal.lastBar[k]!) {
        preSkipped.push(preSkip(sig, 'no_next_bar'));
        continue;
      }
      sym[m] = k;
      strat[m] = stratIndex.get(sig.strategy)!;
      t[m] = bar;
      entryDay[m] = cal.barDay[k]![bar + 1]!;
      // NaN scores rank last so the order stays total
      rank[m] = Number.isNaN(sig.score) ? -Infinity : sig.score;
      openAt[m] = series[k]!.open[bar + 1]!;
      stopAt[m] = sig.stop;
      scoreAt[m] = sig.score;
      if (sig.target === null) targetAt[m] = Number.NaN;
      else {
        targetAt[m] = sig.target;
        hasTargetAt[m] = 1;
      }
      timeStopAt[m] = sig.timeStopBars;
      m++;
    }
  }

  // Counting sort by entry day, then a comparison sort inside each (small) day bucket.
  const start = new Int32Array(days + 1);
  for (let i = 0; i < m; i++) start[entryDay[i]! + 1]!++;
  for (let d = 0; d < days; d++) start[d + 1]! += start[d]!;
  const order = new Uint32Array(m);
  const fill = start.slice(0, days);
  for (let i = 0; i < m; i++) order[fill[entryDay[i]!]!++] = i;
  const byRank = (a: number, b: number): number =>
    rank[b]! - rank[a]! ||
    sym[a]! - sym[b]! ||
    strat[a]! - strat[b]! ||
    t[a]! - t[b]! ||
    cmpNum(stopAt[a]!, stopAt[b]!) ||
    cmpNum(hasTargetAt[a] === 1 ? targetAt[a]! : -Infinity, hasTargetAt[b] === 1 ? targetAt[b]! : -Infinity) ||
    a - b;
  for (let d = 0; d < days; d++) {
    if (start[d + 1]! - start[d]! > 1) order.subarray(start[d]!, start[d + 1]!).sort(byRank);
  }

  // Every output field takes part so that duplicates cannot leak input order.
  preSkipped.sort(
    (a, b) =>
      cmpStr(a.date, b.date) ||
      cmpStr(a.symbol, b.symbol) ||
      cmpStr(a.strategy, b.strategy) ||
      cmpStr(a.reason, b.reason) ||
      cmpStr(a.signalDate, b.signalDate) ||
      cmpNum(b.score, a.score),
  );
  const sorted: Candidates = {
    strategies,
    sym: new Int32Array(m),
    strat: new Int32Array(m),
    t: new Int32Array(m),
    entryDay: new Int32Array(m),
    entryOpen: new Float64Array(m),
    stop: new Float64Array(m),
    score: new Float64Array(m),
    target: new Float64Array(m),
    hasTarget: new Uint8Array(m),
    timeStopBars: new Float64Array(m),
    preSkipped,
  };
  for (let j = 0; j < m; j++) {
    const i = order[j]!;
    sorted.sym[j] = sym[i]!;
    sorted.strat[j] = strat[i]!;
    sorted.t[j] = t[i]!;
    sorted.entryDay[j] = entryDay[i]!;
    sorted.entryOpen[j] = openAt[i]!;
    sorted.stop[j] = stopAt[i]!;
    sorted.score[j] = scoreAt[i]!;
    sorted.target[j] = targetAt[i]!;
    sorted.hasTarget[j] = hasTargetAt[i]!;
    sorted.timeStopBars[j] = timeStopAt[i]!;
  }
  return sorted;
}

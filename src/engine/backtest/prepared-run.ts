import type { BarSeries } from '../bars.js';
import type { Signal, SignalSourceId } from '../signal.js';
import { buildCalendar } from './calendar.js';
import { computeMetrics, type Metrics } from './metrics.js';
import type { ResolvedSettings } from './portfolio-options.js';
import type { PortfolioTrade } from './portfolio-types.js';
import { signalBarIndex } from './signal-bar.js';
import { simulatePortfolio, type SimCandidates } from './simulate.js';

/**
 * A universe prepared once for many portfolio runs over windows of its union
 * calendar (a walk-forward runs hundreds): the calendar as day indices and
 * each bar's day, so a run over days [d0, d1] builds no calendar, copies no
 * dates and compares no date strings.
 *
 * A run over [d0, d1] is exactly {@link runPortfolio} on the series' bars
 * inside [dates[d0], dates[d1]] with those as startDate/endDate: that run's
 * union calendar is this calendar's slice (every date in it comes from a
 * series that has a bar there), so its day d is day d0 + d here.
 */
export interface PreparedUniverse {
  /** The series sorted by symbol (the order runPortfolio ranks ties in). */
  readonly series: readonly BarSeries[];
  /** Position in `series` of each input series. */
  readonly sortedOf: Int32Array;
  /** Union calendar of every series, ascending. */
  readonly dates: readonly string[];
  /** Per sorted series: the calendar day of each bar. */
  readonly barDay: readonly Int32Array[];
}

/**
 * One grid point's signals resolved against a {@link PreparedUniverse} and
 * sorted once in runPortfolio's processing order (entry day asc, score
 * desc, symbol asc, strategy asc, bar, stop, target, input order), as the
 * columns the daily loop reads. A window's candidates are then a contiguous
 * run of entry days, filtered by signal day: filtering keeps that order, so
 * no per-run sort is needed.
 */
export interface PreparedSignals extends SimCandidates {
  readonly signalDay: Int32Array;
  /** dayStart[d]: first signal whose entry day is ≥ d (length days + 1). */
  readonly dayStart: Int32Array;
}

/**
 * Collects one grid point's signals as columns, in input order (the last
 * tie-break of the processing order), without a Signal object each: an
 * incubation's busiest families give millions. Finish with {@link finish}.
 */
export class PreparedSignalsBuilder {
  private n = 0;
  private sym = new Int32Array(1024);
  private strat = new Int32Array(1024);
  private t = new Int32Array(1024);
  private signalDay = new Int32Array(1024);
  private entryDay = new Int32Array(1024);
  private entryOpen = new Float64Array(1024);
  private stop = new Float64Array(1024);
  private target = new Float64Array(1024);
  private hasTarget = new Uint8Array(1024);
  private timeStop = new Float64Array(1024);
  private score = new Float64Array(1024);

  /** @param strategies every strategy id the signals name, sorted; `strat` in {@link add} indexes it */
  constructor(
    private readonly u: PreparedUniverse,
    private readonly strategies: readonly SignalSourceId[],
  ) {}

  /**
   * Adds the signal of input series `k` at its bar `t` (signals of one series
   * in bar order). A signal on the series' last bar can never be entered and
   * is dropped, as runPortfolio skips it.
   *
   * @param target null for no target
   */
  add(k: number, strat: number, t: number, stop: number, target: number | null, timeStopBars: number, score: number): void {
    const ks = this.u.sortedOf[k]!;
    const s = this.u.series[ks]!;
    if (!(t >= 0 && t + 1 < s.dates.length)) return;
    if (this.n === this.sym.length) this.grow();
    const i = this.n++;
    const bd = this.u.barDay[ks]!;
    this.sym[i] = ks;
    this.strat[i] = strat;
    this.t[i] = t;
    this.signalDay[i] = bd[t]!;
    this.entryDay[i] = bd[t + 1]!;
    this.entryOpen[i] = s.open[t + 1]!;
    this.stop[i] = stop;
    if (target === null) this.target[i] = Number.NaN;
    else {
      this.target[i] = target;
      this.hasTarget[i] = 1;
    }
    this.timeStop[i] = timeStopBars;
    this.score[i] = score;
  }

  private grow(): void {
    const size = this.sym.length * 2;
    const int = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    const flt = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    this.sym = int(this.sym);
    this.strat = int(this.strat);
    this.t = int(this.t);
    this.signalDay = int(this.signalDay);
    this.entryDay = int(this.entryDay);
    this.entryOpen = flt(this.entryOpen);
    this.stop = flt(this.stop);
    this.target = flt(this.target);
    const h = new Uint8Array(size);
    h.set(this.hasTarget);
    this.hasTarget = h;
    this.timeStop = flt(this.timeStop);
    this.score = flt(this.score);
  }

  /** The signals in processing order. */
  finish(): PreparedSignals {
    const m = this.n;
    const days = this.u.dates.length;
    const { sym, strat, t, entryDay, stop, target, hasTarget, score } = this;
    const start = new Int32Array(days + 1);
    for (let i = 0; i < m; i++) start[entryDay[i]! + 1]!++;
    for (let d = 0; d < days; d++) start[d + 1]! += start[d]!;
    const order = new Uint32Array(m);
    const fill = start.slice(0, days);
    for (let i = 0; i < m; i++) order[fill[entryDay[i]!]!++] = i;
    // NaN scores rank last so the order stays total.
    const rank = new Float64Array(m);
    for (let i = 0; i < m; i++) rank[i] = Number.isNaN(score[i]!) ? -Infinity : score[i]!;
    const byRank = (a: number, b: number): number =>
      rank[b]! - rank[a]! ||
      sym[a]! - sym[b]! ||
      strat[a]! - strat[b]! ||
      t[a]! - t[b]! ||
      cmpNum(stop[a]!, stop[b]!) ||
      cmpNum(hasTarget[a] === 1 ? target[a]! : -Infinity, hasTarget[b] === 1 ? target[b]! : -Infinity) ||
      a - b;
    // Stable merge sort of each day's slice (insertion sort below 16): called millions of
    // times, the comparator inlines here, which Array.prototype.sort's callback does not.
    const tmp = new Uint32Array(m);
    for (let d = 0; d < days; d++) {
      const a = start[d]!;
      const b = start[d + 1]!;
      if (b - a > 1) mergeSort(order, tmp, a, b, byRank);
    }
    const out: PreparedSignals = {
      strategies: this.strategies,
      sym: new Int32Array(m),
      strat: new Int32Array(m),
      t: new Int32Array(m),
      signalDay: new Int32Array(m),
      entryDay: new Int32Array(m),
      entryOpen: new Float64Array(m),
      stop: new Float64Array(m),
      target: new Float64Array(m),
      hasTarget: new Uint8Array(m),
      timeStopBars: new Float64Array(m),
      score: new Float64Array(m),
      dayStart: start,
    };
    for (let j = 0; j < m; j++) {
      const i = order[j]!;
      out.sym[j] = sym[i]!;
      out.strat[j] = strat[i]!;
      out.t[j] = t[i]!;
      out.signalDay[j] = this.signalDay[i]!;
      out.entryDay[j] = entryDay[i]!;
      out.entryOpen[j] = this.entryOpen[i]!;
      out.stop[j] = stop[i]!;
      out.target[j] = target[i]!;
      out.hasTarget[j] = hasTarget[i]!;
      out.timeStopBars[j] = this.timeStop[i]!;
      out.score[j] = score[i]!;
    }
    return out;
  }
}

/** Sorts order[lo, hi) by `cmp`, stably, using tmp[lo, hi) as scratch. */
function mergeSort(order: Uint32Array, tmp: Uint32Array, lo: number, hi: number, cmp: (a: number, b: number) => number): void {
  const n = hi - lo;
  // Runs of 16 by insertion sort, then bottom-up merges.
  for (let r = lo; r < hi; r += 16) {
    const end = Math.min(r + 16, hi);
    for (let i = r + 1; i < end; i++) {
      const x = order[i]!;
      let j = i - 1;
      while (j >= r && cmp(order[j]!, x) > 0) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
  }
  let src = order;
  let dst = tmp;
  for (let width = 16; width < n; width *= 2) {
    for (let left = lo; left < hi; left += 2 * width) {
      const mid = Math.min(left + width, hi);
      const right = Math.min(left + 2 * width, hi);
      let i = left;
      let j = mid;
      let o = left;
      while (i < mid && j < right) dst[o++] = cmp(src[j]!, src[i]!) < 0 ? src[j++]! : src[i++]!;
      while (i < mid) dst[o++] = src[i++]!;
      while (j < right) dst[o++] = src[j++]!;
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  if (src !== order) order.set(src.subarray(lo, hi), lo);
}

/** Numeric compare that orders NaN last (as collectCandidates does). */
function cmpNum(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Resolves and orders one grid point's signals. `perSeries[k]` holds the
 * signals of input series k, date-ascending, each naming that series.
 *
 * @returns null when the lists break those rules (a caller then takes the
 *   general path, which handles any input); signals whose date is not a bar
 *   of their series, or on its last bar, are dropped (runPortfolio would
 *   skip them before its daily loop)
 */
export function prepareSignals(u: PreparedUniverse, perSeries: readonly (readonly Signal[])[]): PreparedSignals | null {
  if (perSeries.length !== u.sortedOf.length) return null;
  const stratSet = new Set<SignalSourceId>();
  for (let k = 0; k < perSeries.length; k++) {
    const list = perSeries[k]!;
    const symbol = u.series[u.sortedOf[k]!]!.symbol;
    for (let i = 0; i < list.length; i++) {
      const sig = list[i]!;
      if (sig.symbol !== symbol || (i > 0 && list[i - 1]!.date > sig.date)) return null;
      stratSet.add(sig.strategy);
    }
  }
  const strategies = [...stratSet].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const stratIndex = new Map(strategies.map((id, i) => [id, i]));
  const out = new PreparedSignalsBuilder(u, strategies);
  let lastId: SignalSourceId | undefined;
  let lastStrat = 0;
  // Input order (series by input position, then list order) is the last tie-break, as in runPortfolio.
  for (let k = 0; k < perSeries.length; k++) {
    const s = u.series[u.sortedOf[k]!]!;
    for (const sig of perSeries[k]!) {
      const bar = signalBarIndex(s, sig);
      if (bar < 0) continue;
      // One strategy per list is the rule; the map is only consulted when it changes.
      if (sig.strategy !== lastId) {
        lastId = sig.strategy;
        lastStrat = stratIndex.get(lastId)!;
      }
      out.add(k, lastStrat, bar, sig.stop, sig.target, sig.timeStopBars, sig.score);
    }
  }
  return out.finish();
}

/** What a prepared run returns: what a walk-forward reads of a portfolio result. */
export interface PreparedRun {
  dates: string[];
  equity: Float64Array;
  trades: PortfolioTrade[];
  metrics: Metrics;
}

/**
 * Prepares `series` (in any order) for {@link runPrepared}.
 *
 * @throws RangeError as buildCalendar (dates not ISO or not ascending) and, like runPortfolio, on duplicate symbols
 */
export function prepareUniverse(series: readonly BarSeries[]): PreparedUniverse {
  const cal = buildCalendar(series);
  const order = series.map((_, k) => k).sort((a, b) => {
    const x = series[a]!.symbol;
    const y = series[b]!.symbol;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  const sortedOf = new Int32Array(series.length);
  const sorted: BarSeries[] = [];
  const barDay: Int32Array[] = [];
  for (let j = 0; j < order.length; j++) {
    const k = order[j]!;
    if (j > 0 && series[order[j - 1]!]!.symbol === series[k]!.symbol) throw new RangeError(`duplicate series for ${series[k]!.symbol}`);
    sortedOf[k] = j;
    sorted.push(series[k]!);
    barDay.push(cal.barDay[k]!);
  }
  return { series: sorted, sortedOf, dates: cal.dates, barDay };
}

/**
 * The portfolio run over calendar days [d0, d1] of `u` trading `sig`:
 * equal, float for float, to runPortfolio({ ...settings, series: the bars
 * inside the range, signals: those dated inside it, startDate: dates[d0],
 * endDate: dates[d1] }) in dates, equity, trades and metrics (it leaves out
 * the skip log and per-strategy figures, which a walk-forward never reads).
 *
 * @param cfg settings already resolved (resolveSettings) for this run
 */
export function runPrepared(u: PreparedUniverse, sig: PreparedSignals, cfg: ResolvedSettings, d0: number, d1: number): PreparedRun {
  const days = d1 - d0 + 1;
  if (!(d0 >= 0 && d1 < u.dates.length && days >= 1)) throw new RangeError(`days [${d0}, ${d1}] are outside the calendar (0..${u.dates.length - 1})`);
  // A position's last bar: the series' last bar on or before d1.
  const lastBar = new Int32Array(u.series.length);
  for (let k = 0; k < u.series.length; k++) {
    const bd = u.barDay[k]!;
    let lo = 0;
    let hi = bd.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bd[mid]! <= d1) lo = mid + 1;
      else hi = mid;
    }
    lastBar[k] = lo - 1;
  }
  // Signals dated in the window whose entry bar is in it too, already in processing order:
  // entry days d0+1..d1, less those signalled before d0.
  const sim = simulatePortfolio(
    cfg,
    { series: u.series, barDay: u.barDay, lastBar, dayOffset: d0, days },
    sig,
    sig.dayStart[Math.min(d0 + 1, u.dates.length)]!,
    sig.dayStart[d1 + 1]!,
    sig.signalDay,
    d0,
    Math.max(sig.strategies.length, 1),
    0,
    null,
  );
  const dates = u.dates.slice(d0, d1 + 1) as string[];
  return {
    dates,
    equity: sim.equity,
    trades: sim.trades,
    metrics: computeMetrics({ dates, equity: sim.equity, trades: sim.trades, exposure: sim.exposure }),
  };
}

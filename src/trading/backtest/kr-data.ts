import type { BarSeries } from '../../engine/bars.js';
import { isSession as isKrxSession } from '../../engine/calendar/krx/index.js';
import { isKrxCode } from '../../engine/market/symbols.js';
import type { BarsSource, LoadHooks } from './data.js';
import { assertKnownSymbols } from './known-symbols.js';
import type { BacktestNote } from './notes.js';
import { BacktestInputError, type BacktestRequest } from './request.js';

/** True for a KRX session date; dates the calendar does not cover (before 2000, after 2050) count as no session. */
function onKrxSession(date: string): boolean {
  try {
    return isKrxSession(date);
  } catch {
    return false;
  }
}

/**
 * Refuses bars dated on no KRX session: a KR backtest's calendar is the union
 * of its bars' dates, so a bar on a weekend, a Korean holiday or a special
 * closure (a bad import) would add a day the exchange never traded. The
 * message names the first such bars so the import can be fixed.
 *
 * @throws BacktestInputError naming up to three offending symbol/date pairs
 */
export function assertKrxSessions(series: readonly BarSeries[]): void {
  const bad: string[] = [];
  let count = 0;
  for (const s of series) {
    for (const d of s.dates) {
      if (onKrxSession(d)) continue;
      count++;
      if (bad.length < 3) bad.push(`${s.symbol} ${d}`);
    }
  }
  if (count > 0) {
    throw new BacktestInputError(
      `${count} bar${count === 1 ? ' is' : 's are'} dated on no KRX session (${bad.join(', ')}${count > bad.length ? ', …' : ''}): a KR backtest trades KRX sessions only; re-import those bars with KRX dates (KST), then run it again`,
    );
  }
}

/** What a KR backtest reads bars from: the bars store (KR bars are never generated here; the worker seeds the KR DEMO set). */
export interface KrDataOptions {
  barsStore?: BarsSource | null;
}

/**
 * The bars of a KR run before data.ts wraps them (backtestData): data.ts calls this module, so
 * this module takes no values from it (no import cycle); `checkpoint` polls for cancellation.
 */
export interface KrBars {
  series: BarSeries[];
  benchmark: BarSeries | null;
  demo: boolean;
  source: string;
  notes: BacktestNote[];
}

const NO_KR_BARS =
  'no KR bars are stored: import KRX bars (courtside data import --market kr …) or start the worker once so it stores the KR DEMO ETFs, then run the backtest again';

/**
 * The bars of a KR backtest, all from the bars store's KR rows (won, KRX
 * sessions): the requested KRX codes, or every stored KR symbol for a named
 * universe. A code the store lacks is an error naming the closest stored
 * ones. A run on any DEMO bars is flagged `demo` (with a count when only
 * some are).
 *
 * The benchmark (069500, KODEX 200, by default) is used only when its stored
 * bars are real: with DEMO bars only the run has none and says so
 * (`demo_only_benchmark`); never a synthetic benchmark presented as real.
 */
export async function resolveKrBars(request: BacktestRequest, opts: KrDataOptions, hooks: Pick<LoadHooks, 'onProgress'>, checkpoint: () => Promise<void>): Promise<KrBars> {
  const store = opts.barsStore ?? null;
  if (!store) throw new BacktestInputError(`KR backtests read KR bars from the bars store, and none is connected; check DATABASE_URL, then ${NO_KR_BARS.slice(NO_KR_BARS.indexOf('import'))}`);
  const bench = request.benchmark;
  // A store that does not filter by market still only yields KRX codes here.
  const stored = new Map((await store.list('KR')).filter((s) => isKrxCode(s.symbol)).map((s) => [s.symbol, s.demo]));
  await checkpoint();
  if (stored.size === 0) throw new BacktestInputError(NO_KR_BARS);

  const symbols = request.universe.kind === 'symbols' ? request.universe.symbols : null;
  if (symbols) assertKnownSymbols(symbols, stored.keys());
  const wanted = symbols ? [...symbols] : [...stored.keys()].sort();
  const benchReal = stored.get(bench) === false;
  const toLoad = benchReal && !wanted.includes(bench) ? [...wanted, bench].sort() : wanted;
  const got = (await store.load(toLoad)).series;
  hooks.onProgress?.(toLoad.length, toLoad.length);
  await checkpoint();

  const notes: BacktestNote[] = [];
  const series = wanted.map((s) => got.get(s)).filter((s): s is BarSeries => s !== undefined && s.dates.length > 0);
  if (series.length === 0) throw new BacktestInputError('no bars to backtest');
  const benchmark = benchReal ? (got.get(bench) ?? null) : null;
  assertKrxSessions(benchmark ? [...series, benchmark] : series);
  const demoCount = series.filter((s) => stored.get(s.symbol) === true).length;
  if (demoCount > 0 && demoCount < series.length) notes.push({ code: 'demo_symbols', demo: demoCount, of: series.length });
  // As the US benchmark: real bars or none. A DEMO-only 069500 is said as such, not as missing.
  if (!benchmark) notes.push(stored.get(bench) === true ? { code: 'no_real_benchmark', symbol: bench, demoOnly: true } : { code: 'no_real_benchmark', symbol: bench });
  return { series, benchmark, demo: demoCount > 0, source: store.name, notes };
}

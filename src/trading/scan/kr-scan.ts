/**
 * What a KR scan does differently from a US one (issue 15): which KRX ETFs it may trade
 * (leverage, traded value), the levels on the KRX ETF tick of the session, the sizing in won and
 * the deadline at the KRX close.
 */
import type { BarSeries } from '../../engine/bars.js';
import { XKRX_CALENDAR } from '../../engine/calendar/exchange.js';
import { limitPriceOnTick } from '../../engine/market/ticks.js';
import type { ScanMarketRules } from '../../engine/scan/scan.js';
import type { SizingPolicy } from '../../engine/scan/sizing.js';
import type { Signal, StrategyId } from '../../engine/signal.js';
import { fixedReasonNumbers } from '../../engine/strategies/format.js';
import type { UniverseMember } from './data-port.js';

/** The KR scan's settings; every field has a default, so a scan works before the app wires them. */
export interface KrScanSettings {
  /**
   * Leveraged and inverse ETFs (2x, -1x, -2x) join the scan only when true (KR_ALLOW_LEVERAGED):
   * their daily reset makes a multi-day breakout a different bet than the index it tracks.
   */
  allowLeveraged?: boolean;
  /** Least 20-session average traded value (close × volume), in won; default {@link DEFAULT_MIN_TRADED_VALUE_KR}. */
  minTradedValueKr?: number;
  /** Sizing in won (equity in KRW); default {@link DEFAULT_KR_SIZING_EQUITY} with the US fractions. */
  sizing?: SizingPolicy;
  /**
   * The strategies' least close, in won (EXEC_MIN_PRICE_KR). Absent: none (0). The strategies'
   * own defaults (5 and 10) are dollars: read as won they would mean nothing, so a KR scan never
   * uses them; their reasons then say "minPrice 0".
   */
  minPrice?: number;
}

/** ₩1,000,000,000 a day: below it a KRX ETF's quotes are too thin for a limit order near the close to be filled sensibly. */
export const DEFAULT_MIN_TRADED_VALUE_KR = 1_000_000_000;
/** Sessions the traded value is averaged over. */
export const TRADED_VALUE_SESSIONS = 20;
/**
 * Equity a KR pick is sized on until the app wires the KIS account's: ₩100,000,000. US equity
 * (dollars) never sizes a KR pick: there is no exchange rate.
 */
export const DEFAULT_KR_SIZING_EQUITY = 100_000_000;

/** The KR sizing: the configured one, else the US fractions on {@link DEFAULT_KR_SIZING_EQUITY}. */
export function krSizing(kr: KrScanSettings | undefined, us: SizingPolicy): SizingPolicy {
  return kr?.sizing ?? { ...us, equity: DEFAULT_KR_SIZING_EQUITY };
}

/**
 * Whether a KR member may be scanned by its leverage: a plain (1x) ETF always; a leveraged or
 * inverse one only with `allowLeveraged`. A member whose leverage is not known (not in the KR
 * universe file, or the universe not wired) counts as possibly leveraged: left out unless allowed.
 */
export function krLeverageAllowed(m: Pick<UniverseMember, 'leverage'>, allowLeveraged: boolean): boolean {
  return m.leverage === 1 || allowLeveraged;
}

/** Average close × volume over the {@link TRADED_VALUE_SESSIONS} bars ending at `asOf`, or null when there are fewer. */
export function averageTradedValue(s: BarSeries, asOf: string): number | null {
  const end = s.dates.lastIndexOf(asOf);
  if (end < TRADED_VALUE_SESSIONS - 1) return null;
  let sum = 0;
  for (let i = end - TRADED_VALUE_SESSIONS + 1; i <= end; i++) sum += s.close[i]! * s.volume[i]!;
  return sum / TRADED_VALUE_SESSIONS;
}

/** The series liquid enough to trade (see {@link averageTradedValue}); the others are returned apart. */
export function splitByTradedValue(series: readonly BarSeries[], asOf: string, min: number): { liquid: BarSeries[]; thin: BarSeries[] } {
  const liquid: BarSeries[] = [];
  const thin: BarSeries[] = [];
  for (const s of series) {
    const v = averageTradedValue(s, asOf);
    // A series without 20 bars is left to the strategies, which skip it as too short.
    (v === null || v >= min ? liquid : thin).push(s);
  }
  return { liquid, thin };
}

/**
 * A KR signal's levels on the KRX ETF tick of its session date, whole won: the entry is a buy
 * limit (rounds down), the stop and the target are sells (round up), as limitPriceOnTick says.
 * It is given the strategies' raw levels (the scan's `levels` rule, {@link KR_SCAN_RULES}): rounded
 * to cents first, a stop a hair above a won step would land on that step instead of the next.
 */
export function krLevelsOnTick<S extends Pick<Signal, 'close' | 'stop' | 'target' | 'date'>>(signal: S): S {
  const on = (price: number, side: 'buy' | 'sell') => (Number.isFinite(price) && price > 0 ? limitPriceOnTick({ market: 'KR', instrument: 'etf', date: signal.date, price }, side) : price);
  return { ...signal, close: on(signal.close, 'buy'), stop: on(signal.stop, 'sell'), target: signal.target === null ? null : on(signal.target, 'sell') };
}

/** Reasons in whole won with thousands grouped ("close 36,500 > sma200 35,008"): no cents, no "$". */
export const KR_REASON_NUMBERS = fixedReasonNumbers(0, { group: true });

/** What the engine's scan does differently for KRX: levels from the raw values on the KRX tick, reasons in won. */
export const KR_SCAN_RULES: ScanMarketRules = { levels: krLevelsOnTick, numbers: KR_REASON_NUMBERS };

/** The strategies' parameters of a KR scan: the won minimum price (none by default) instead of their dollar one. */
export function krStrategyParams(strategies: readonly StrategyId[], kr: KrScanSettings | undefined): Partial<Record<StrategyId, object>> {
  const minPrice = kr?.minPrice ?? 0;
  return Object.fromEntries(strategies.map((id) => [id, { minPrice }]));
}

/**
 * The last `count` KRX sessions up to `asOf` (oldest first): the calendar a KR scan checks its
 * windows against. The NYSE one would call every US-only session a gap in KRX bars and leave every
 * ETF out of every strategy.
 */
export function krxSessionsEndingAt(asOf: string, count: number): string[] {
  const out: string[] = [];
  let d = XKRX_CALENDAR.isSession(asOf) ? asOf : XKRX_CALENDAR.previousSession(asOf);
  while (out.length < count) {
    out.push(d);
    d = XKRX_CALENDAR.previousSession(d);
  }
  return out.reverse();
}

/**
 * When a KR pick made at `nowMs` stops being approvable: `ttlMs` later, but never past the close
 * of the KRX session it was made for (today's while it is open or yet to open; else the next one).
 */
export function krPickExpiry(nowMs: number, ttlMs: number): Date {
  const today = XKRX_CALENDAR.dateOf(nowMs);
  const info = XKRX_CALENDAR.sessionInfo(today);
  const session = info && nowMs < info.close ? info : XKRX_CALENDAR.sessionInfo(XKRX_CALENDAR.nextSession(today));
  return new Date(Math.min(nowMs + ttlMs, session?.close ?? Number.POSITIVE_INFINITY));
}

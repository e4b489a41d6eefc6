import type { BarSeries } from '../bars.js';
import { atr } from './atr.js';
import { type DonchianLowerWithIndex, donchianLowerWithIndex, donchianUpper } from './donchian.js';
import { ema } from './ema.js';
import { ibs } from './ibs.js';
import { sma } from './sma.js';

/**
 * Memoised indicator columns for one series, so strategies (and the
 * indicator table) evaluated on the same bars share SMA(200), ATR(14), ...
 * instead of recomputing them. Columns are returned by reference: treat them
 * as read-only. Holds no state beyond the columns it computed.
 */
export class IndicatorCache {
  private readonly memo = new Map<string, unknown>();

  constructor(readonly series: BarSeries) {}

  private get<T>(key: string, make: () => T): T {
    let v = this.memo.get(key) as T | undefined;
    if (v === undefined) {
      v = make();
      this.memo.set(key, v);
    }
    return v;
  }

  /** SMA(n) of close. */
  sma(n: number): Float64Array {
    return this.get(`sma:${n}`, () => sma(this.series.close, n));
  }

  /** EMA(n) of close. */
  ema(n: number): Float64Array {
    return this.get(`ema:${n}`, () => ema(this.series.close, n));
  }

  /** Wilder ATR(n). */
  atr(n: number): Float64Array {
    const s = this.series;
    return this.get(`atr:${n}`, () => atr(s.high, s.low, s.close, n));
  }

  /** Upper Donchian band over the n bars before t. */
  donchianUpper(n: number): Float64Array {
    return this.get(`dcu:${n}`, () => donchianUpper(this.series.high, n));
  }

  /** Lower Donchian band over the n bars before t, with the index of the bar that most recently set it. */
  donchianLower(n: number): DonchianLowerWithIndex {
    return this.get(`dcl:${n}`, () => donchianLowerWithIndex(this.series.low, n));
  }

  /** Internal bar strength. */
  ibs(): Float64Array {
    const s = this.series;
    return this.get('ibs', () => ibs(s.high, s.low, s.close));
  }
}

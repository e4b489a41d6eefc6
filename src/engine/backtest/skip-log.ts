import type { BarSeries } from '../bars.js';
import type { Candidates } from './candidates.js';
import type { SkippedSignal, SkipReason } from './portfolio-types.js';

/**
 * Skip decisions recorded as three flat columns during the daily loop and
 * turned into {@link SkippedSignal} records once at the end: in a busy
 * universe most signals are skipped, and building records in the hot loop
 * would touch every signal object at random.
 */
export class SkipLog {
  private readonly slots: number[] = [];
  private readonly days: number[] = [];
  private readonly reasons: SkipReason[] = [];

  /** Records that candidate `slot` was skipped on calendar day `day`. */
  add(slot: number, day: number, reason: SkipReason): void {
    this.slots.push(slot);
    this.days.push(day);
    this.reasons.push(reason);
  }

  /**
   * Materialises the records, in the order they were added. Reads the
   * candidate columns and series rather than the signal objects, which sit
   * scattered in memory.
   */
  toRecords(cand: Candidates, series: readonly BarSeries[], dates: readonly string[]): SkippedSignal[] {
    const out = new Array<SkippedSignal>(this.slots.length);
    for (let i = 0; i < out.length; i++) {
      const j = this.slots[i]!;
      const s = series[cand.sym[j]!]!;
      out[i] = {
        symbol: s.symbol,
        strategy: cand.strategies[cand.strat[j]!]!,
        signalDate: s.dates[cand.t[j]!]!,
        date: dates[this.days[i]!]!,
        reason: this.reasons[i]!,
        score: cand.score[j]!,
      };
    }
    return out;
  }
}

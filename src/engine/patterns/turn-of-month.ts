import { z } from 'zod';
import { defineFamily } from './define.js';

/** Turn-of-month parameters. */
export const turnOfMonthParamsSchema = z.strictObject({
  tradingDay: z.number().int().min(1).max(10).describe('integer 1..10: buy the close of this trading day of the month'),
});

/** Turn-of-month parameters. */
export type TurnOfMonthParams = z.output<typeof turnOfMonthParamsSchema>;

/** Figures behind a turn-of-month signal. */
export interface TurnOfMonthWhy {
  readonly family: 'turn_of_month';
  readonly close: number;
  /** Date (YYYY-MM-DD) of the month's first bar. */
  readonly monthStart: string;
  readonly tradingDay: number;
}

/** "YYYY-MM" of bar i. */
const monthOf = (dates: readonly string[], i: number) => dates[i]!.slice(0, 7);

/**
 * Turn of month: the close of the `tradingDay`-th bar of a calendar month,
 * counted from the first bar whose month differs from the bar before it.
 * Counting forwards from the month's start reads only past dates; the classic
 * entry on the month's last day would need the next bar's date (lookahead)
 * or the market's exchange calendar, which this pure family does not take.
 * The first bar of the data never starts a month: its predecessor is unknown.
 */
export const TURN_OF_MONTH = defineFamily({
  id: 'turn_of_month',
  title: 'Turn of month',
  summary: 'Buy the close of the tradingDay-th trading day of each month.',
  schema: turnOfMonthParamsSchema,
  defaults: Object.freeze({ tradingDay: 1 }),
  firstValidIndex: (p) => p.tradingDay,
  prepare: (s, p) => ({ s, p }),
  hit: (c, t) => {
    const d = c.s.dates;
    const start = t - c.p.tradingDay + 1;
    if (monthOf(d, start) === monthOf(d, start - 1)) return false;
    // Every bar from the month's first to t shares its month (no month skipped).
    return monthOf(d, t) === monthOf(d, start);
  },
  figures: (c, t): TurnOfMonthWhy => ({
    family: 'turn_of_month',
    close: c.s.close[t]!,
    monthStart: c.s.dates[t - c.p.tradingDay + 1]!,
    tradingDay: c.p.tradingDay,
  }),
});

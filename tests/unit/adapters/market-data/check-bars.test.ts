import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../../src/engine/bars.js';
import { checkBars } from '../../../../src/adapters/market-data/quality/check-bars.js';
import { formatQualityReport } from '../../../../src/adapters/market-data/quality/format-report.js';
import { weekdaySessions } from '../../../../src/adapters/market-data/synthetic/sessions.js';

/** Clean bars on consecutive weekdays ending at `end`, close drifting slowly. */
function cleanBars(n: number, end = '2024-03-28'): Bar[] {
  return weekdaySessions(end, n).map((date, i) => {
    const c = 100 + i * 0.1;
    return { date, open: c - 0.2, high: c + 0.5, low: c - 0.5, close: c, volume: 1000 + i };
  });
}

function kinds(bars: Bar[], opts = {}) {
  return checkBars('TEST', bars, opts).issues.map((i) => [i.date, i.kind, i.dropped] as const);
}

describe('checkBars', () => {
  it('passes clean data untouched', () => {
    const bars = cleanBars(60);
    const r = checkBars('TEST', bars, { asOf: '2024-03-28' });
    expect(r.ok).toBe(true);
    expect(r.issues).toEqual([]);
    expect(r.clean).toEqual(bars);
    expect(formatQualityReport(r)).toBe('TEST: 60 bars, no issues');
  });

  it('drops non-positive prices and negative volume', () => {
    const bars = cleanBars(5);
    bars[1] = { ...bars[1]!, low: 0 };
    bars[2] = { ...bars[2]!, close: Number.NaN };
    bars[3] = { ...bars[3]!, volume: -1 };
    const r = checkBars('TEST', bars);
    expect(r.issues.map((i) => i.kind)).toEqual(['non_positive', 'non_positive', 'non_positive']);
    expect(r.issues.every((i) => i.dropped)).toBe(true);
    expect(r.clean.map((b) => b.date)).toEqual([bars[0]!.date, bars[4]!.date]);
  });

  it('drops bars whose high/low do not bracket open and close', () => {
    const bars = cleanBars(4);
    bars[1] = { ...bars[1]!, high: bars[1]!.close - 0.01 };
    bars[2] = { ...bars[2]!, low: bars[2]!.open + 0.01 };
    const r = checkBars('TEST', bars);
    expect(kinds(bars)).toEqual([
      [bars[1]!.date, 'ohlc_inconsistent', true],
      [bars[2]!.date, 'ohlc_inconsistent', true],
    ]);
    expect(r.issues[0]!.detail).toMatch(/high .* is below max\(open, close\)/);
    expect(r.issues[1]!.detail).toMatch(/low .* is above min\(open, close\)/);
    expect(r.clean).toHaveLength(2);
  });

  it('drops zero-volume placeholder bars', () => {
    const bars = cleanBars(3);
    bars[1] = { ...bars[1]!, volume: 0 };
    expect(kinds(bars)).toEqual([[bars[1]!.date, 'zero_volume', true]]);
  });

  it('keeps one of identical duplicates but drops all copies that disagree', () => {
    const bars = cleanBars(4);
    const same = [...bars, { ...bars[1]! }];
    const r1 = checkBars('TEST', same);
    expect(r1.issues.map((i) => [i.kind, i.dropped])).toEqual([['duplicate', true]]);
    expect(r1.clean).toEqual(bars);

    const conflicting = [...bars, { ...bars[2]!, close: bars[2]!.close + 1, high: bars[2]!.high + 1 }];
    const r2 = checkBars('TEST', conflicting);
    expect(r2.issues.map((i) => i.kind)).toEqual(['duplicate']);
    expect(r2.issues[0]!.detail).toMatch(/disagree/);
    expect(r2.clean.map((b) => b.date)).not.toContain(bars[2]!.date);
  });

  it('drops a one-bar spike that reverts, keeps and reports a move that holds', () => {
    const spike = cleanBars(5);
    spike[2] = { ...spike[2]!, close: 300, high: 301 };
    const r1 = checkBars('TEST', spike);
    expect(r1.issues.map((i) => [i.date, i.kind, i.dropped])).toEqual([[spike[2]!.date, 'absurd_move', true]]);
    expect(r1.clean).toHaveLength(4);

    const split = cleanBars(5).map((b, i) => (i >= 2 ? { ...b, open: b.open / 4, high: b.high / 4, low: b.low / 4, close: b.close / 4 } : b));
    const r2 = checkBars('TEST', split);
    expect(r2.issues.map((i) => [i.date, i.kind, i.dropped])).toEqual([[split[2]!.date, 'absurd_move', false]]);
    expect(r2.issues[0]!.detail).toMatch(/split-adjusted/);
    expect(r2.clean).toHaveLength(5);

    // The threshold is configurable.
    expect(checkBars('TEST', split, { maxMovePct: 80 }).issues).toEqual([]);
  });

  it('flags more than two missing weekdays as a gap, but not weekends or a holiday', () => {
    const bars = cleanBars(30);
    // Remove one weekday (a holiday-like hole): fine.
    const holiday = bars.filter((_, i) => i !== 10);
    expect(checkBars('TEST', holiday).issues).toEqual([]);
    // Remove three consecutive weekdays: a gap, reported on the bar after it, not dropped.
    const hole = bars.filter((_, i) => i < 10 || i > 12);
    const r = checkBars('TEST', hole);
    expect(r.issues.map((i) => [i.date, i.kind, i.dropped])).toEqual([[bars[13]!.date, 'gap', false]]);
    expect(r.issues[0]!.detail).toBe(`3 weekdays missing after ${bars[9]!.date}`);
    expect(r.clean).toHaveLength(27);
  });

  it('reports stale data against asOf, and drops bars dated after asOf', () => {
    const bars = cleanBars(10, '2024-03-28'); // Thursday
    expect(checkBars('TEST', bars, { asOf: '2024-04-02' }).issues).toEqual([]); // Fri, Mon, Tue = 3 weekdays behind
    const stale = checkBars('TEST', bars, { asOf: '2024-04-03' });
    expect(stale.issues.map((i) => [i.date, i.kind])).toEqual([['2024-03-28', 'stale']]);
    expect(stale.issues[0]!.detail).toBe('last bar is 4 weekdays before 2024-04-03');

    const future = checkBars('TEST', bars, { asOf: '2024-03-27' });
    expect(future.issues.map((i) => [i.date, i.kind, i.dropped])).toEqual([['2024-03-28', 'bad_date', true]]);
    expect(checkBars('TEST', [], { asOf: '2024-03-27' }).issues.map((i) => i.kind)).toEqual(['stale']);
  });

  it('sorts unsorted input and summarises issues in text', () => {
    const bars = cleanBars(6);
    bars[2] = { ...bars[2]!, volume: 0 };
    bars[4] = { ...bars[4]!, high: 1 };
    const r = checkBars('TEST', [...bars].reverse());
    expect(r.clean.map((b) => b.date)).toEqual([bars[0], bars[1], bars[3], bars[5]].map((b) => b!.date));
    const text = formatQualityReport(r);
    expect(text.split('\n')[0]).toBe('TEST: 6 bars, 2 issue(s), 2 bar(s) dropped, 4 usable [zero_volume ×1, ohlc_inconsistent ×1]');
    expect(text).toContain(`${bars[2]!.date} zero_volume (dropped): volume is 0`);
    expect(formatQualityReport(r, 1)).toMatch(/… and 1 more$/);
  });
});

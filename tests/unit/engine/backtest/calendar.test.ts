import { describe, expect, it } from 'vitest';
import { buildCalendar, dateKey } from '../../../../src/engine/backtest/calendar.js';
import { toSeries } from '../../../../src/engine/bars.js';
import { day, series, type Ohlc } from './helpers.js';

const bar: Ohlc = [1, 1, 1, 1];
const bars = (n: number) => Array.from({ length: n }, () => bar);

describe('buildCalendar', () => {
  // A: days 0,1,2,4   B: days 1,3,5,6
  const A = series('A', bars(4), 0, [0, 1, 2, 4]);
  const B = series('B', bars(4), 0, [1, 3, 5, 6]);

  it('takes the sorted union of dates and maps each bar to its day', () => {
    const cal = buildCalendar([A, B]);
    expect(cal.dates).toEqual([0, 1, 2, 3, 4, 5, 6].map(day));
    expect([...cal.barDay[0]!]).toEqual([0, 1, 2, 4]);
    expect([...cal.barDay[1]!]).toEqual([1, 3, 5, 6]);
    expect([...cal.firstBar]).toEqual([0, 0]);
    expect([...cal.lastBar]).toEqual([3, 3]);
  });

  it('restricts to an inclusive [start, end] range', () => {
    const cal = buildCalendar([B, A], day(2), day(4));
    expect(cal.dates).toEqual([2, 3, 4].map(day));
    expect([...cal.barDay[0]!]).toEqual([-1, 1, -1, -1]);
    expect([...cal.barDay[1]!]).toEqual([-1, -1, 0, 2]);
    expect([...cal.firstBar]).toEqual([1, 2]);
    expect([...cal.lastBar]).toEqual([1, 3]);
  });

  it('rejects unsorted or non-ISO dates', () => {
    const rows = (dates: string[]) => dates.map((date) => ({ date, open: 1, high: 1, low: 1, close: 1, volume: 1 }));
    expect(() => buildCalendar([toSeries('X', rows(['2024-01-02', '2024-01-02']))])).toThrow(RangeError);
    expect(() => buildCalendar([toSeries('X', rows(['2024-01-03', '2024-01-02']))])).toThrow(RangeError);
    expect(() => buildCalendar([toSeries('X', rows(['2024-1-02']))])).toThrow(RangeError);
  });
});

describe('dateKey', () => {
  it('orders like the ISO string', () => {
    expect(dateKey('2024-01-31')).toBe(20240131);
    expect(dateKey('1999-12-31') < dateKey('2000-01-01')).toBe(true);
    for (const bad of ['2024/01/31', '2024-01-3a', '24-01-31', '2024-01-311']) expect(() => dateKey(bad)).toThrow(RangeError);
  });
});

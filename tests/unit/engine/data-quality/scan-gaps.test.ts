/**
 * The scan leaves a symbol out of a strategy whose look-back window misses a calendar session
 * (issue 21, part 5), says which strategy, how many sessions and the first and last of them, and
 * evaluates exactly as before when the window is whole.
 */
import { describe, expect, it } from 'vitest';
import { sliceSeries, toSeries, type BarSeries } from '../../../../src/engine/bars.js';
import { sessionsEndingAt } from '../../../../src/engine/data-quality/index.js';
import { scanLatest, strategyLookback } from '../../../../src/engine/scan/scan.js';
import { generateSyntheticSeries } from '../../../../src/adapters/market-data/synthetic/generate-bars.js';

const AS_OF = '2026-12-03';
const SESSIONS = sessionsEndingAt(AS_OF, 400);

/** The series without the bars of `drop` (dates stay sorted). */
function without(s: BarSeries, drop: readonly string[]): BarSeries {
  const gone = new Set(drop);
  const rows = s.dates.flatMap((date, i) => (gone.has(date) ? [] : [{ date, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! }]));
  return toSeries(s.symbol, rows);
}

const series = (symbol: string) => generateSyntheticSeries({ symbol, sessions: SESSIONS, dollarAdv: 5e7 });

describe('scanLatest with the calendar', () => {
  const ids = ['donchian', 'turtle_soup'] as const;

  it('a gap inside every strategy’s window skips the symbol as missing_session, source all, with count and first/last', () => {
    const holes = [SESSIONS[SESSIONS.length - 30]!, SESSIONS[SESSIONS.length - 5]!];
    const out = scanLatest([without(series('GAP'), holes), series('FULL')], AS_OF, [...ids], {}, { sessions: SESSIONS });
    expect(out.evaluated).toBe(1);
    expect(out.skipped).toEqual([{ symbol: 'GAP', reason: 'missing_session', detail: `2 session(s) without a bar in the last 200 (${holes[0]} … ${holes[1]})` }]);
    expect(out.gaps).toEqual([{ symbol: 'GAP', source: 'all', asOf: AS_OF, lookback: 200, count: 2, first: holes[0], last: holes[1] }]);
    expect(out.signals.every((s) => s.symbol === 'FULL')).toBe(true);
  });

  it('a gap only in the longer window leaves out that strategy alone', () => {
    const params = { donchian: { smaPeriod: 50 } };
    expect(strategyLookback('donchian', params.donchian)).toBe(56); // its 55-bar channel, then the signal bar
    const hole = SESSIONS[SESSIONS.length - 100]!;
    const out = scanLatest([without(series('HALF'), [hole])], AS_OF, [...ids], params, { sessions: SESSIONS });
    expect(out.evaluated).toBe(1);
    expect(out.skipped).toEqual([]);
    expect(out.gaps).toEqual([{ symbol: 'HALF', source: 'turtle_soup', asOf: AS_OF, lookback: 200, count: 1, first: hole, last: hole }]);
    expect(out.signals.every((s) => s.strategy === 'donchian')).toBe(true);
  });

  it('a gap older than every window changes nothing: same signals as without the calendar', () => {
    const universe = Array.from({ length: 60 }, (_, i) => without(series(`S${i}`), [SESSIONS[20]!]));
    const plain = scanLatest(universe, AS_OF, [...ids]);
    const checked = scanLatest(universe, AS_OF, [...ids], {}, { sessions: SESSIONS });
    expect(checked.gaps).toEqual([]);
    expect(checked.signals).toEqual(plain.signals);
    expect(checked.evaluated).toBe(60);
    expect(plain.signals.length).toBeGreaterThan(0);
  });

  it('stale and too-short still come first', () => {
    const s = series('ST');
    const out = scanLatest([sliceSeries(s, s.dates.length - 1)], AS_OF, [...ids], {}, { sessions: SESSIONS });
    expect(out.skipped.map((k) => k.reason)).toEqual(['stale']);
    expect(out.gaps).toEqual([]);
  });
});

/**
 * A scan chunk (issue 21, part 5) over an in-memory universe: a LIVE hypothesis with a short
 * look-back still evaluates a symbol whose gap lies outside its window, one with a long look-back
 * does not (and the chunk says so), the strategies' gaps come out per symbol, and the finishing
 * scan's journal rows carry each skip with its reason.
 */
import { describe, expect, it } from 'vitest';
import { toSeries, type BarSeries } from '../../../src/engine/bars.js';
import { sessionsEndingAt } from '../../../src/engine/data-quality/index.js';
import { familyById } from '../../../src/engine/patterns/registry.js';
import { generateSyntheticSeries } from '../../../src/adapters/market-data/synthetic/generate-bars.js';
import { scanChunk } from '../../../src/trading/scan/scan-run.js';
import { scanDecisions } from '../../../src/trading/journal/scan-decisions.js';
import type { ScanData } from '../../../src/trading/scan/data-port.js';

const AS_OF = '2026-12-03';
const SESSIONS = sessionsEndingAt(AS_OF, 300);
const EXITS = { atrPeriod: 14, stopAtr: 2, timeStopBars: 5, targetAtr: null };

function without(s: BarSeries, drop: readonly string[]): BarSeries {
  const gone = new Set(drop);
  return toSeries(s.symbol, s.dates.flatMap((date, i) => (gone.has(date) ? [] : [{ date, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! }])));
}

function memoryData(series: BarSeries[]): ScanData {
  const all = new Map(series.map((s) => [s.symbol, s]));
  return {
    members: async () => series.map((s) => ({ symbol: s.symbol, demo: true, lastDate: s.dates[s.dates.length - 1]! })),
    load: async (symbols) => new Map(symbols.flatMap((s) => (all.has(s) ? [[s, all.get(s)!] as const] : []))),
  };
}

describe('scanChunk and the calendar', () => {
  const hole = SESSIONS[SESSIONS.length - 100]!;
  const gapped = without(generateSyntheticSeries({ symbol: 'MID', sessions: SESSIONS, dollarAdv: 5e7 }), [hole]);
  const whole = generateSyntheticSeries({ symbol: 'WHOLE', sessions: SESSIONS, dollarAdv: 5e7 });
  const short = { id: 'hshort', family: 'turn_of_month' as const, params: { ...familyById('turn_of_month').defaults }, exits: EXITS };
  const long = { id: 'hlong', family: 'high_breakout' as const, params: { ...familyById('high_breakout').defaults }, exits: EXITS };

  it('reports the gap per source: all strategies, the long hypothesis, not the short one', async () => {
    const out = await scanChunk(memoryData([gapped, whole]), ['MID', 'WHOLE'], AS_OF, ['donchian', 'turtle_soup'], [short, long]);
    expect(out.evaluated).toBe(1);
    expect(out.skipped).toBe(1);
    expect(out.gaps).toEqual([
      { symbol: 'MID', source: 'all', asOf: AS_OF, lookback: 200, count: 1, first: hole, last: hole },
      { symbol: 'MID', source: 'hyp:hlong', asOf: AS_OF, lookback: 253, count: 1, first: hole, last: hole },
    ]);
    expect(out.signals.filter((s) => s.symbol === 'MID').every((s) => s.strategy === 'hyp:hshort')).toBe(true);
  });

  it('a whole universe has no gaps and the same signals as before (one hypothesis pass)', async () => {
    const out = await scanChunk(memoryData([whole]), ['WHOLE'], AS_OF, ['donchian', 'turtle_soup'], [short, long]);
    expect(out.gaps).toBeUndefined();
    expect(out.evaluated).toBe(1);
  });

  it('each gap becomes one skip row of the journal, with the look-back, the count, the first and last', async () => {
    const out = await scanChunk(memoryData([gapped]), ['MID'], AS_OF, ['donchian', 'turtle_soup'], [long]);
    const rows = scanDecisions({ signals: [], sized: [], merged: [], stored: [], topN: 3, fresh: new Set(), gaps: out.gaps! });
    expect(rows).toEqual([
      { kind: 'skip', sessionDate: AS_OF, symbol: 'MID', source: 'all', outcome: 'missing_session', pickId: null, inputs: { lookback: 200, missing: 1, firstMissing: hole, lastMissing: hole } },
      { kind: 'skip', sessionDate: AS_OF, symbol: 'MID', source: 'hyp:hlong', outcome: 'missing_session', pickId: null, inputs: { lookback: 253, missing: 1, firstMissing: hole, lastMissing: hole } },
    ]);
  });
});

/**
 * `courtside data check --market kr`: stored KR symbols are held against the KRX calendar (a
 * missing KRX session is found, Korean holidays such as Chuseok 2025 are not findings, staleness is
 * measured from the last completed KRX session), US symbols stay in the US check against NYSE, and
 * the CLI stores the KR result with market 'KR'.
 */
import { describe, expect, it } from 'vitest';
import type { BarsStore } from '../../../src/adapters/bars/store.js';
import { XKRX_CALENDAR, XNYS_CALENDAR } from '../../../src/engine/calendar/exchange.js';
import { runDataCheck } from '../../../src/trading/data-check/check.js';
import { dataCliPerFile, runData } from '../adapters/bars/data-cli.js';

const stage = dataCliPerFile('cs-kr-check-');

/** One bar per date (whole won, consistent OHLC). */
function bars(dates: readonly string[]) {
  return dates.map((date, i) => ({ date, open: 10_000 + i, high: 10_100 + i, low: 9_900 + i, close: 10_050 + i, volume: 1_000 }));
}

/** The KRX hole planted in 069500: a Tuesday session. */
const HOLE = '2025-10-14';
// 2025-10-31 (a Friday) 16:00 in Seoul: after the 15:30 KRX close; 02:00 ET, before the NYSE open.
const AFTER_KRX_CLOSE = Date.parse('2025-10-31T16:00:00+09:00');
// The same day 10:00 in Seoul: KRX open, so its last completed session is the day before.
const KRX_OPEN = Date.parse('2025-10-31T10:00:00+09:00');

async function plant(store: BarsStore): Promise<void> {
  const kr = XKRX_CALENDAR.sessionsBetween('2025-09-01', '2025-10-31');
  const us = XNYS_CALENDAR.sessionsBetween('2025-09-01', '2025-10-30');
  await store.writeBars(
    [
      { symbol: '069500', bars: bars(kr.filter((d) => d !== HOLE)) },
      { symbol: '005930', bars: bars(kr.filter((d) => d <= '2025-10-29')) },
      { symbol: 'SPY', bars: bars(us) },
    ],
    { source: 'test', demo: false },
  );
}

describe('data check of the KR market', () => {
  it('finds the missing KRX session and the stale symbol, and nothing on Chuseok or other Korean holidays', async () => {
    const store = stage.env.store();
    await plant(store);
    const r = await runDataCheck(store, 'KR', AFTER_KRX_CLOSE);
    expect(r).toMatchObject({ market: 'KR', lastCompleted: '2025-10-31', symbols: 2, symbolsFlagged: 2, counts: { missing_session: 1, stale: 1 }, missingSessions: 1 });
    expect(r.findings).toEqual([
      { symbol: '005930', kind: 'stale', lastBar: '2025-10-29', expected: '2025-10-31', behind: 2 },
      { symbol: '069500', kind: 'missing_session', count: 1, first: HOLE, last: HOLE, dates: [HOLE] },
    ]);

    const open = await runDataCheck(store, 'KR', KRX_OPEN);
    expect(open.lastCompleted).toBe('2025-10-30');
    expect(open.findings.find((f) => f.kind === 'stale')).toEqual({ symbol: '005930', kind: 'stale', lastBar: '2025-10-29', expected: '2025-10-30', behind: 1 });
  });

  it('the US check is unchanged: NYSE, US symbols only (KR codes are not NYSE-checked)', async () => {
    const r = await runDataCheck(stage.env.store(), 'US', AFTER_KRX_CLOSE);
    expect(r).toMatchObject({ market: 'US', lastCompleted: '2025-10-30', symbols: 1, findings: [] });
  });

  it('`courtside data check --market kr` checks KR against KRX and stores the result as KR', async () => {
    const json = await runData('check', '--market', 'kr', '--json');
    const doc = JSON.parse(json.out) as { market: string; symbols: number; findings: { symbol: string; kind: string; dates?: string[] }[] };
    expect(json.code).toBe(1);
    expect(doc).toMatchObject({ market: 'KR', symbols: 2 });
    expect(doc.findings).toContainEqual(expect.objectContaining({ symbol: '069500', kind: 'missing_session', dates: [HOLE] }));
    expect(doc.findings.filter((f) => f.kind === 'missing_session')).toHaveLength(1);

    const text = await runData('check', '--market', 'KR');
    expect(text.out).toMatch(/^Data check \(KR\) of 2 symbols against the KRX calendar, last completed session \d{4}-\d{2}-\d{2}: /);
    expect(text.out).toMatch(/069500\s+missing_session\s+1 session without a bar, 2025-10-14 … 2025-10-14/);

    const us = await runData('check', '--market', 'us');
    expect(us.out).toMatch(/^Data check \(US\) of 1 symbol against the NYSE calendar/);
    await expect(runData('check', '--market', 'jp')).rejects.toThrow(/--market must be us or kr, got "jp"/);

    const rows = (await stage.env.ds.query(`SELECT market, symbols, missing_session FROM data_checks ORDER BY id`)) as { market: string; symbols: number; missing_session: number }[];
    expect(rows).toEqual([
      { market: 'KR', symbols: 2, missing_session: 1 },
      { market: 'KR', symbols: 2, missing_session: 1 },
      { market: 'US', symbols: 1, missing_session: 0 },
    ]);
  });
});

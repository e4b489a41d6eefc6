/**
 * `courtside data check` (US) honours the NYSE run-time calendar overrides: a day closed by
 * `courtside calendar close` is no missing_session for any symbol, and the report says which
 * calendar it used — also when the overrides could not be read and the rules were used instead.
 */
import { describe, expect, it } from 'vitest';
import type { BarsStore } from '../../../src/adapters/bars/store.js';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { XNYS_CALENDAR } from '../../../src/engine/calendar/exchange.js';
import { CachedCalendarOverrides } from '../../../src/trading/calendar/overrides-source.js';
import { CalendarOverrideStore } from '../../../src/trading/calendar/store.js';
import { runDataCheck } from '../../../src/trading/data-check/check.js';
import { dataCliPerFile, runData } from '../adapters/bars/data-cli.js';

const stage = dataCliPerFile('cs-us-check-ovr-');

// Tue 2025-10-14: a NYSE session by the rules, closed by an override.
const CLOSED = '2025-10-14';
// Thu 2025-10-30 17:00 ET: after the close.
const AFTER_CLOSE = Date.parse('2025-10-30T21:00:00Z');

function bars(dates: readonly string[]) {
  return dates.map((date, i) => ({ date, open: 100 + i, high: 101 + i, low: 99 + i, close: 100.5 + i, volume: 1_000 }));
}

async function plant(store: BarsStore): Promise<void> {
  const dates = XNYS_CALENDAR.sessionsBetween('2025-09-02', '2025-10-30').filter((d) => d !== CLOSED);
  await store.writeBars(
    [
      { symbol: 'SPY', bars: bars(dates) },
      { symbol: 'QQQ', bars: bars(dates) },
    ],
    { source: 'test', demo: false },
  );
}

const overridesStore = () => new CalendarOverrideStore(new TypeOrmUnitOfWork(stage.env.ds));
const reader = () => new CachedCalendarOverrides({ list: () => overridesStore().list() }, { ttlMs: 0 });

describe('the US data check with NYSE calendar overrides', () => {
  it('a day closed by an override is no missing session; unreadable overrides fall back to the rules and say so', async () => {
    const store = stage.env.store();
    await plant(store);
    await overridesStore().insert({ exchange: 'XNYS', date: CLOSED, kind: 'close', openTime: null, reason: 'Storm' }, 'cli', new Date('2025-10-13T00:00:00Z'));

    // The rules alone (no overrides asked for): the closed day is missing for every symbol.
    expect((await runDataCheck(store, 'US', AFTER_CLOSE)).counts.missing_session).toBe(2);

    const r = await runDataCheck(store, 'US', AFTER_CLOSE, undefined, reader());
    expect(r).toMatchObject({ market: 'US', lastCompleted: '2025-10-30', symbols: 2, findings: [], overrides: { state: 'applied', count: 1 } });

    await stage.env.ds.query('ALTER TABLE calendar_overrides RENAME TO calendar_overrides_gone');
    try {
      const fallback = await runDataCheck(store, 'US', AFTER_CLOSE, undefined, reader());
      expect(fallback.counts.missing_session).toBe(2);
      expect(fallback.overrides).toEqual({ state: 'unreadable', error: expect.stringContaining('calendar_overrides') });
    } finally {
      await stage.env.ds.query('ALTER TABLE calendar_overrides_gone RENAME TO calendar_overrides');
    }
  });

  it('`courtside data check` applies them and names the calendar it used', async () => {
    const json = JSON.parse((await runData('check', '--market', 'us', '--json')).out) as { findings: { kind: string }[]; overrides: unknown };
    expect(json.overrides).toEqual({ state: 'applied', count: 1 });
    expect(json.findings.filter((f) => f.kind === 'missing_session')).toEqual([]);
    const text = await runData('check', '--market', 'us');
    expect(text.out).toMatch(/^Data check \(US\) of 2 symbols against the NYSE calendar with its run-time overrides \(1\), last completed session /);
  });
});

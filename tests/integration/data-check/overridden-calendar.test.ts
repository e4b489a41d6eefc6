/**
 * The data check's calendar honours the run-time calendar overrides, read from a scratch Postgres
 * through the cached reader the scheduler uses: an NYSE day closed by `courtside calendar close` is
 * no missing session and no "last completed session"; a late open still is a session; KRX
 * overrides apply to the KR check only. When the overrides cannot be read, the rule calendar is
 * used and the result says so.
 */
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { XNYS_CALENDAR } from '../../../src/engine/calendar/exchange.js';
import type { CalendarOverride } from '../../../src/engine/calendar/overrides.js';
import { dataFindings } from '../../../src/engine/data-quality/index.js';
import { CachedCalendarOverrides } from '../../../src/trading/calendar/overrides-source.js';
import { CalendarOverrideStore } from '../../../src/trading/calendar/store.js';
import { dataCheckCalendar, dataCheckOverridesText, overriddenDataCheckCalendar, type DataCheckCalendar } from '../../../src/trading/data-check/market-calendar.js';
import { createTestDatabase } from '../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 2 });
  await ds.initialize();
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});
beforeEach(async () => {
  await ds.query('TRUNCATE calendar_overrides');
});

const store = () => new CalendarOverrideStore(new TypeOrmUnitOfWork(ds));
/** A fresh reader per call (TTL 0): what the worker's shared reader returns after its TTL. */
const reader = () => new CachedCalendarOverrides({ list: () => store().list() }, { ttlMs: 0 });
const add = (o: CalendarOverride) => store().insert(o, 'test', new Date('2025-10-01T00:00:00Z'));

// Tue 2025-10-14, a NYSE session by the rules, closed by an override; Thu 2025-10-30 too.
const CLOSED = '2025-10-14';
const LAST = '2025-10-30';
// Thu 2025-10-30 17:00 ET: after the close.
const AFTER_CLOSE = Date.parse('2025-10-30T21:00:00Z');

/** SPY's bars: every NYSE rule session of Sep–Oct 2025 except the overridden days. */
const spyDates = XNYS_CALENDAR.sessionsBetween('2025-09-02', LAST).filter((d) => d !== CLOSED && d !== LAST);

function check(cal: DataCheckCalendar) {
  const lastCompleted = cal.lastCompleted(AFTER_CLOSE);
  return { lastCompleted, findings: dataFindings('SPY', spyDates, cal.sessionsSpanning(spyDates[0]!, lastCompleted), lastCompleted) };
}

describe('the data check calendar with run-time overrides', () => {
  it('a day closed by an override is neither missing nor the last completed session', async () => {
    await add({ exchange: 'XNYS', date: CLOSED, kind: 'close', openTime: null, reason: 'Storm' });
    await add({ exchange: 'XNYS', date: LAST, kind: 'close', openTime: null, reason: 'Outage' });
    await add({ exchange: 'XNYS', date: '2025-10-16', kind: 'late_open', openTime: '10:30', reason: 'Systems' });
    await add({ exchange: 'XKRX', date: '2025-10-15', kind: 'close', openTime: null, reason: 'KRX outage' });

    // The rules alone: the bug the override fixes.
    expect(check(dataCheckCalendar('US')).findings.map((f) => f.kind).sort()).toEqual(['missing_session', 'stale']);

    const us = await overriddenDataCheckCalendar('US', reader());
    expect(us.overrides).toEqual({ state: 'applied', count: 3 });
    expect(check(us.calendar)).toEqual({ lastCompleted: '2025-10-29', findings: [] });
    expect(us.calendar.exchange).toBe('NYSE');
    expect(dataCheckOverridesText('NYSE', us.overrides)).toBe('NYSE calendar with its run-time overrides (3)');

    const kr = await overriddenDataCheckCalendar('KR', reader());
    expect(kr.overrides).toEqual({ state: 'applied', count: 1 });
    expect(kr.calendar.sessionsSpanning('2025-10-13', '2025-10-17')).toEqual(['2025-10-13', '2025-10-14', '2025-10-16', '2025-10-17']);
  });

  it('without overrides it is the very calendar the check always used', async () => {
    const us = await overriddenDataCheckCalendar('US', reader());
    expect(us).toEqual({ calendar: dataCheckCalendar('US'), overrides: { state: 'applied', count: 0 } });
    expect(dataCheckOverridesText('NYSE', us.overrides)).toBe('NYSE calendar');
  });

  it('unreadable overrides: the rule calendar, and the result says why', async () => {
    await add({ exchange: 'XNYS', date: CLOSED, kind: 'close', openTime: null, reason: 'Storm' });
    await ds.query('ALTER TABLE calendar_overrides RENAME TO calendar_overrides_gone');
    try {
      const us = await overriddenDataCheckCalendar('US', reader());
      expect(us.calendar).toBe(dataCheckCalendar('US'));
      expect(us.overrides).toEqual({ state: 'unreadable', error: expect.stringContaining('calendar_overrides') });
      expect(dataCheckOverridesText('NYSE', us.overrides)).toMatch(/^NYSE rule calendar only: the run-time overrides could not be read \(.*calendar_overrides.*\), so a day closed by an override shows as missing_session$/);
    } finally {
      await ds.query('ALTER TABLE calendar_overrides_gone RENAME TO calendar_overrides');
    }
  });
});

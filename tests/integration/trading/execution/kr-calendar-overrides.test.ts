/**
 * The KR entry gate honours run-time KRX overrides (`courtside calendar close|late-open --market
 * krx`), read through the worker's one cached reader without a restart, against Postgres and the
 * KR paper book on KRX's clock:
 * - a close added while running: the next KR entry is refused market_closed (next open: the next
 *   KRX session), nothing reaches the broker; a KR stop exit still sells (exits never pass the
 *   entry gate);
 * - a late open: refused before it (next open: the late open), sent after it, and the closing
 *   auction (15:20–15:30 KST) stays closed to entries on that day.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CalendarOverride } from '../../../../src/engine/calendar/overrides.js';
import { KRX_IOC_HOURS } from '../../../../src/engine/krx-hours.js';
import { addCalendarOverride } from '../../../../src/trading/calendar/add-override.js';
import { CachedCalendarOverrides } from '../../../../src/trading/calendar/overrides-source.js';
import { CalendarOverrideStore } from '../../../../src/trading/calendar/store.js';
import { approvePick } from '../../../../src/trading/execution/approve-pick.js';
import { executeApproval, type ExecutionDeps } from '../../../../src/trading/execution/execute.js';
import { runExits } from '../../../../src/trading/execution/exits.js';
import { makeExitsWorld, type ExitsWorld } from './exits-setup.js';
import { krBook, type KrBook } from './kr-support.js';

/** One pick per (session, code, strategy): each entry of a test takes the next code. */
const CODES = ['069500', '102110', '229200', '114800', '232080'];
let nextCode = 0;
/** Seoul wall-clock instants (KST = UTC+9). Tue 2025-07-08 and Wed 2025-07-09 are KRX sessions. */
const kst = (date: string, hhmm: string) => new Date(`${date}T${hhmm}:00+09:00`);

let w: ExitsWorld;
let kr: KrBook;
let now: Date;
/** The cached reader's clock: moved past the TTL to renew the read, as time would in the worker. */
let cacheNow: number;
let overrides: CachedCalendarOverrides;

beforeEach(async () => {
  w = await makeExitsWorld();
  kr = krBook(w);
  cacheNow = 0;
  nextCode = 0;
  overrides = new CachedCalendarOverrides({ list: () => new CalendarOverrideStore(w.uow()).list() }, { ttlMs: 30_000, clock: () => cacheNow });
});
afterEach(async () => {
  await w?.close();
});

function at(d: Date): void {
  now = d;
  kr.at(d);
  for (const code of CODES) w.quotes.set(code, { bid: 35_000, ask: 35_005, bidSize: 10_000, askSize: 10_000, time: d.toISOString() });
}

const add = (o: CalendarOverride) => addCalendarOverride({ db: w.uow(), audit: w.audit }, o, 'cli');
/** What the worker does after someone ran `courtside calendar`: nothing but let the cache age. */
const cacheExpires = () => {
  cacheNow += 30_001;
};

async function approvedKr(sessionDate: string): Promise<string> {
  const id = `kr${Math.random().toString(36).slice(2, 10)}`;
  await w.ds.query(
    `INSERT INTO picks (id, scan_run_id, session_date, symbol, strategy, entry, stop, target, atr, score, qty, dollar_risk, reasons, demo, expires_at, market, currency)
     VALUES ($1, 'run-1', $2, $3, 'donchian', 35005, 34000, NULL, 300, 1, 10, 10050, '[]', false, now() + interval '1 day', 'KR', 'KRW')`,
    [id, sessionDate, CODES[nextCode++]],
  );
  const r = await approvePick(w.uow(), { pickId: id, userId: 42, role: 'trader', now: new Date() });
  if (r.kind !== 'approved') throw new Error(`not approved: ${r.kind}`);
  await w.ds.query(`UPDATE approvals SET expires_at = '2099-01-01T00:00:00Z' WHERE id = $1`, [r.approvalId]);
  return r.approvalId;
}

/** The KR lane's entry deps: KRX continuous-session hours, the KR paper book, the one cached overrides reader. */
function krDeps(): ExecutionDeps {
  return w.deps({
    market: 'KR',
    broker: kr.broker,
    marketHours: KRX_IOC_HOURS,
    calendarOverrides: overrides,
    now: () => now,
    limits: { perOrderBudget: 5_000_000, dailyBudget: 20_000_000, minDollarAdv: 1_000_000 },
    dollarAdv: async () => 5_000_000_000,
  });
}

const krBuys = () => w.count(`SELECT count(*)::int AS n FROM paper_orders WHERE market = 'KR' AND side = 'buy'`);

describe('KR entries with run-time KRX overrides', () => {
  it('a close added while running: the next KR entry is refused, nothing sent; a KR stop exit still sells', async () => {
    at(kst('2025-07-08', '11:00'));
    expect(await executeApproval(krDeps(), await approvedKr('2025-07-07'))).toMatchObject({ kind: 'filled' });
    const buysBefore = await krBuys();

    await add({ exchange: 'XKRX', date: '2025-07-08', kind: 'close', openTime: null, reason: 'KRX system failure' });
    cacheExpires();
    at(kst('2025-07-08', '11:01'));
    const refused = await executeApproval(krDeps(), await approvedKr('2025-07-07'));
    expect(refused).toMatchObject({
      kind: 'refused',
      gate: 'market_closed',
      reason: { code: 'market_closed', order: 'entry', at: kst('2025-07-08', '11:01').toISOString(), nextOpen: kst('2025-07-09', '09:00').toISOString() },
    });
    expect(await krBuys()).toBe(buysBefore);

    // An exit reduces risk: the entry gate never sees it.
    await kr.hold({ symbol: '091160', qty: 5, price: 20_000, stop: 19_500 });
    w.quotes.set('091160', { bid: 19_400, ask: 19_405, bidSize: 10_000, askSize: 10_000, time: now.toISOString() });
    const exits = await runExits(kr.deps(), { now });
    expect(exits.map((o) => [o.symbol, o.reason, o.status])).toEqual([['091160', 'stop', 'filled']]);
  });

  it('a late open at 10:00: refused before it (next open 10:00 KST), sent after it; the closing auction stays closed', async () => {
    at(kst('2025-07-09', '09:30'));
    // Read once before the override exists: the late open must act without a restart.
    expect(await executeApproval(krDeps(), await approvedKr('2025-07-08'))).toMatchObject({ kind: 'filled' });
    await add({ exchange: 'XKRX', date: '2025-07-09', kind: 'late_open', openTime: '10:00', reason: 'KRX delayed open' });
    cacheExpires();

    at(kst('2025-07-09', '09:31'));
    expect(await executeApproval(krDeps(), await approvedKr('2025-07-08'))).toMatchObject({
      kind: 'refused',
      gate: 'market_closed',
      reason: { code: 'market_closed', nextOpen: kst('2025-07-09', '10:00').toISOString() },
    });

    at(kst('2025-07-09', '10:01'));
    expect(await executeApproval(krDeps(), await approvedKr('2025-07-08'))).toMatchObject({ kind: 'filled' });

    at(kst('2025-07-09', '15:25'));
    expect(await executeApproval(krDeps(), await approvedKr('2025-07-08'))).toMatchObject({ kind: 'refused', gate: 'market_closed' });
    expect(await krBuys()).toBe(2);
  });
});

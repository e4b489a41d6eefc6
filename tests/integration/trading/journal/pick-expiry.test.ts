/**
 * Picks that expire undecided are recorded once (audit `pick.expired`), so the decision journal
 * lists them: also a pick a listing already flipped to EXPIRED without a record; never a decided
 * pick, a live one, or history from before the sweep existed. Real Postgres, an injected clock.
 */
import { describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { readJournal } from '../../../../src/trading/journal/read.js';
import { recordExpiredPicks } from '../../../../src/trading/scan/pick-expiry.js';
import { journalLine } from '../../../../src/bot/views/journal-view.js';
import { insertPick } from '../../../helpers/execution.js';
import { dataSourcePerTest } from '../../../helpers/pg.js';

const db = dataSourcePerTest();
const NOW = new Date('2026-12-04T17:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

describe('recordExpiredPicks', () => {
  it('records each undecided expired pick once, flips PENDING to EXPIRED, and the journal lists it', async () => {
    const ds = db.ds();
    const uow = new TypeOrmUnitOfWork(ds);
    const audit = new AuditLog(uow);
    const pending = await insertPick(ds, { symbol: 'EXPA', entry: 10, qty: 5, expiresAt: ago(60_000) });
    const lazilyFlipped = await insertPick(ds, { symbol: 'EXPB', entry: 20, qty: 3, expiresAt: ago(120_000) });
    await ds.query(`UPDATE picks SET state = 'EXPIRED' WHERE id = $1`, [lazilyFlipped]);
    const live = await insertPick(ds, { symbol: 'EXPC', entry: 30, expiresAt: new Date(NOW.getTime() + 60_000) });
    const decided = await insertPick(ds, { symbol: 'EXPD', entry: 40, expiresAt: ago(60_000) });
    await ds.query(`UPDATE picks SET state = 'REJECTED', decided_by = 1, decided_at = $2 WHERE id = $1`, [decided, ago(300_000)]);
    const ancient = await insertPick(ds, { symbol: 'EXPE', entry: 50, expiresAt: ago(8 * 86_400_000) });

    expect(await recordExpiredPicks(uow, audit, NOW)).toBe(2);
    const rows = (await ds.query(`SELECT payload FROM audit_log WHERE payload->>'action' = 'pick.expired' ORDER BY seq`)) as { payload: Record<string, unknown> }[];
    expect(rows.map((r) => r.payload.pickId)).toEqual([lazilyFlipped, pending]);
    expect(rows[1]!.payload).toMatchObject({ symbol: 'EXPA', qty: 5, expiredAt: ago(60_000).toISOString(), actor: 'worker' });
    const state = async (id: string) => ((await ds.query(`SELECT state FROM picks WHERE id = $1`, [id])) as { state: string }[])[0]!.state;
    expect(await state(pending)).toBe('EXPIRED');
    expect(await state(live)).toBe('PENDING');
    expect(await state(decided)).toBe('REJECTED');
    expect(await state(ancient)).toBe('PENDING');

    // Again (another worker, the next minute): nothing new.
    expect(await recordExpiredPicks(uow, audit, NOW)).toBe(0);
    expect((await audit.verify()).ok).toBe(true);

    const page = await readJournal(uow, { pickId: pending, limit: 10 });
    const entry = page.entries.find((e) => e.action === 'pick.expired');
    expect(entry?.auditSeq).toBeGreaterThan(0);
    expect(journalLine(entry!, 1)).toMatch(/^1\. \d\d:\d\d ET · EXPA · expired undecided \(nobody approved or rejected it by 11:59 ET\) · nothing ordered · pick /);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { canonicalJson } from '../../../../src/trading/audit/canonical-json.js';
import { DecisionJournal } from '../../../../src/trading/journal/record.js';
import { readJournal } from '../../../../src/trading/journal/read.js';
import type { DecisionRow } from '../../../../src/trading/journal/scan-decisions.js';
import { dataSourcePerTest } from '../../../helpers/pg.js';

const db = dataSourcePerTest();
const AT = new Date('2026-12-04T16:00:00Z');

const rows: DecisionRow[] = [
  { kind: 'signal', sessionDate: '2026-12-03', symbol: 'XLK', source: 'donchian', outcome: 'sized', pickId: 'pxlk0000', inputs: { entry: 10, stop: 9, qty: 500, reasons: ['close 10 > upper55 9.9'] } },
  { kind: 'card', sessionDate: '2026-12-03', symbol: 'XLK', source: 'donchian', outcome: 'top_n_cut', pickId: 'pxlk0000', inputs: { rank: 3, of: 3, topN: 2, score: 0.5, cutoffScore: 0.9 } },
];

describe('the decision journal store', () => {
  it('links a scan\'s rows to one audit row whose digest recomputes from them; a retry writes nothing twice', async () => {
    const uow = new TypeOrmUnitOfWork(db.ds());
    const audit = new AuditLog(uow);
    const journal = new DecisionJournal(uow, audit);
    const first = await journal.recordScan({ runId: 'scan-1', asOf: '2026-12-03', at: AT }, rows);
    expect(first?.rows).toBe(2);
    const again = await journal.recordScan({ runId: 'scan-1', asOf: '2026-12-03', at: AT }, rows);
    expect(again).toEqual({ auditSeq: first!.auditSeq, rows: 0 });
    expect(await journal.recordScan({ runId: 'scan-2', asOf: '2026-12-03', at: AT }, [])).toBeNull();

    const [entry] = (await db.ds().query(`SELECT payload FROM audit_log WHERE seq = $1`, [first!.auditSeq])) as { payload: Record<string, unknown> }[];
    expect(entry!.payload).toMatchObject({ action: 'scan.decisions', runId: 'scan-1', signals: 1, cards: 1 });
    // The digest recomputes from the stored rows (in their insert order).
    const stored = (await db.ds().query(
      `SELECT kind, to_char(session_date, 'YYYY-MM-DD') AS "sessionDate", symbol, source, outcome, pick_id AS "pickId", inputs FROM decisions WHERE audit_seq = $1 ORDER BY id`,
      [first!.auditSeq],
    )) as DecisionRow[];
    expect(createHash('sha256').update(canonicalJson(stored)).digest('hex')).toBe(entry!.payload.digest);
    expect((await audit.verify()).ok).toBe(true);

    const page = await readJournal(uow, { symbol: 'XLK', from: '2026-12-04', to: '2026-12-04', limit: 10 });
    expect(page.entries.map((e) => e.action)).toEqual(['card.top_n_cut', 'signal.sized']);
    expect(page.entries.every((e) => e.auditSeq === first!.auditSeq)).toBe(true);
    expect((await readJournal(uow, { symbol: 'XLK', from: '2026-12-05', limit: 10 })).entries).toEqual([]);
    expect((await readJournal(uow, { symbol: 'SPY', limit: 10 })).entries).toEqual([]);
  });
});

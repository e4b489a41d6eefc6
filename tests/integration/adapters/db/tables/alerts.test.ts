/**
 * The alerts group's typed tables (src/adapters/db/tables/alerts) against a migrated database:
 * the decision journal's plain reads, the types a row comes back with, and a transaction's
 * `tables` joining that transaction. (`alerts` itself has no repository: its statements are
 * reviewed SQL, see src/trading/alerts/alerts.ts.)
 */
import { describe, expect, it } from 'vitest';
import { RowShapeError } from '../../../../../src/lib/sql-rows.js';
import { useScratchDb } from './scratch-db.js';

const scratch = useScratchDb(['decisions']);

const AT = new Date('2026-12-04T16:00:00.123Z');

/** Inserts one decision row as the scan's bulk insert would (SQL: the table has no repository write) and returns its id. */
async function insertDecision(
  run: string,
  over: { symbol?: string; pickId?: string | null; inputs?: string; auditSeq?: string; session?: string } = {},
  on: { query(sql: string, params: unknown[]): Promise<unknown> } = scratch.ds,
): Promise<string> {
  const res = await on.query(
    `INSERT INTO decisions (run_id, kind, session_date, symbol, source, outcome, pick_id, inputs, audit_seq, created_at)
     VALUES ($1, 'signal', $2, $3, 'donchian', 'sized', $4, $5::jsonb, $6, $7) RETURNING id::text AS id`,
    [run, over.session ?? '2026-12-03', over.symbol ?? 'XLK', over.pickId === undefined ? 'pxlk0000' : over.pickId, over.inputs ?? '{"entry":10,"qty":500}', over.auditSeq ?? '9007199254740993', AT],
  );
  const [row] = res as { id: string }[];
  return row!.id;
}

describe('alerts tables: decisions', () => {
  it('runAuditSeq: the seq a run recorded, as text (bigint beyond 2^53 intact); null for a run with none', async () => {
    await insertDecision('scan-1');
    await insertDecision('scan-1', { symbol: 'XLE' });
    expect(await scratch.uow.tables.alerts.runAuditSeq('scan-1')).toBe('9007199254740993');
    expect(await scratch.uow.tables.alerts.runAuditSeq('scan-2')).toBeNull();
  });

  it('decision: the row with its types (id and seq text, the session as YYYY-MM-DD, a Date, null pick, the inputs object)', async () => {
    const id = await insertDecision('scan-1', { pickId: null, session: '2026-12-31' });
    const d = await scratch.uow.tables.alerts.decision(id);
    expect(d).toEqual({
      id,
      runId: 'scan-1',
      kind: 'signal',
      sessionDate: '2026-12-31',
      symbol: 'XLK',
      source: 'donchian',
      outcome: 'sized',
      pickId: null,
      inputs: { entry: 10, qty: 500 },
      auditSeq: '9007199254740993',
      createdAt: AT,
    });
    expect(d!.createdAt).toBeInstanceOf(Date);
    expect(typeof d!.id).toBe('string');
    expect(await scratch.uow.tables.alerts.decision(String(BigInt(id) + 1n))).toBeNull();
  });

  it('decision: the session date does not shift with the process time zone', async () => {
    const id = await insertDecision('scan-1', { session: '2026-01-01' });
    const tz = process.env.TZ;
    try {
      for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'UTC']) {
        process.env.TZ = zone;
        expect((await scratch.uow.tables.alerts.decision(id))?.sessionDate).toBe('2026-01-01');
      }
    } finally {
      process.env.TZ = tz;
    }
  });

  it('decision: inputs that are not a JSON object stop with a RowShapeError, as the SQL read did', async () => {
    const id = await insertDecision('scan-1', { inputs: '[1, 2]' });
    await expect(scratch.uow.tables.alerts.decision(id)).rejects.toBeInstanceOf(RowShapeError);
  });

  it("a transaction's tables see its own uncommitted rows; after a rollback nothing of them is left", async () => {
    let insideId = '';
    await expect(
      scratch.uow.transaction(async (tx) => {
        insideId = await insertDecision('scan-tx', {}, { query: (sql, params) => tx.rows(sql, params) });
        // Read through tx.tables: the transaction's own connection sees the row...
        expect(await tx.tables.alerts.runAuditSeq('scan-tx')).toBe('9007199254740993');
        expect((await tx.tables.alerts.decision(insideId))?.runId).toBe('scan-tx');
        // ...the pool's tables (another connection) do not, until it commits.
        expect(await scratch.uow.tables.alerts.runAuditSeq('scan-tx')).toBeNull();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await scratch.uow.tables.alerts.runAuditSeq('scan-tx')).toBeNull();
    expect(await scratch.uow.tables.alerts.decision(insideId)).toBeNull();
  });
});

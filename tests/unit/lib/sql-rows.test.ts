import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RowShapeError, parseRows, rowOf, rowsOf, statementHead } from '../../../src/lib/sql-rows.js';
import { pgNumber, pgNumeric, pgTimestamp } from '../../../src/lib/sql-columns.js';

const Order = z.object({ id: z.string(), qty: z.number(), spent: pgNumeric, at: pgTimestamp });
const fake = (rows: unknown[]) => ({ rows: async () => rows });

describe('rows parsed, never cast', () => {
  it('returns rows of the right shape, typed, with unknown columns dropped', async () => {
    const at = new Date('2026-12-04T15:00:00Z');
    const got = await rowsOf(fake([{ id: 'o1', qty: 3, spent: '123.45', at, extra: 1 }]), Order, 'SELECT id, qty, spent, at FROM orders');
    expect(got).toEqual([{ id: 'o1', qty: 3, spent: '123.45', at }]);
  });

  it('a row of the wrong shape is a typed error naming the statement, the row and the field, never a wrong value', async () => {
    const rows = [
      { id: 'o1', qty: 3, spent: '1', at: new Date() },
      { id: 'o2', qty: '3', spent: 1, at: '2026-12-04' },
    ];
    const err = await rowsOf(fake(rows), Order, 'SELECT   id, qty,\n spent, at FROM orders WHERE id = $1', ['o2']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RowShapeError);
    const e = err as RowShapeError;
    expect(e.statement).toBe('SELECT id, qty, spent, at FROM orders WHERE id = $1');
    expect(e.rowIndex).toBe(1);
    expect(e.problems.map((p) => p.split(':')[0])).toEqual(['qty', 'spent', 'at']);
    expect(e.disposition).toBe('discard');
    expect(e.message).toContain('courtside migrate');
  });

  it('rowOf gives the first row or undefined', async () => {
    const One = z.object({ n: pgNumber });
    expect(await rowOf(fake([{ n: '42' }]), One, 'SELECT count(*) AS n FROM t')).toEqual({ n: 42 });
    expect(await rowOf(fake([]), One, 'SELECT count(*) AS n FROM t')).toBeUndefined();
    await expect(rowOf(fake([{ n: 'abc' }]), One, 'SELECT n FROM t')).rejects.toBeInstanceOf(RowShapeError);
  });

  it('parseRows checks rows fetched elsewhere; long statements are cut in messages', () => {
    expect(() => parseRows(Order, [null], 'SELECT 1')).toThrow(RowShapeError);
    expect(statementHead(`SELECT ${'x, '.repeat(60)}1`)).toHaveLength(81);
  });
});

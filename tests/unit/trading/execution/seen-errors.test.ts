/**
 * Issue 17 in the execution use cases: a failed audit append of a decision is
 * reported (the decision stands), and a row of the wrong shape stops with a
 * RowShapeError instead of travelling on as a wrong value.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SqlSession } from '../../../../src/adapters/db/port.js';
import { RowShapeError } from '../../../../src/lib/sql-rows.js';
import { approvePick, rejectPick } from '../../../../src/trading/execution/approve-pick.js';
import { cancelCauseOf } from '../../../../src/trading/execution/cancel-causes.js';

/** A session whose every statement returns `rows`. */
function sessionReturning(rows: unknown[]): SqlSession {
  return { rows: async () => rows as never[], exec: async () => 0 };
}

const failingAudit = { append: async () => Promise.reject(new Error('audit chain unavailable')) };
const input = { pickId: 'p1', userId: 7, role: 'trader' as const, now: new Date('2025-03-03T15:00:00Z') };

describe('execution: errors are seen', () => {
  it('an approval whose audit append fails is still approved, and the failure is logged', async () => {
    const expiresAt = new Date('2025-03-03T15:15:00Z');
    const db = sessionReturning([{ symbol: 'MCE', strategy: 'donchian', qty: 10, entry: 50, approval_id: 'a1', expires_at: expiresAt }]);
    const log = { error: vi.fn() };
    const res = await approvePick(db, input, { audit: failingAudit, log });
    expect(res).toMatchObject({ kind: 'approved', approvalId: 'a1', qty: 10, entry: 50, expiresAt });
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(log.error.mock.calls[0]?.[0]).toMatchObject({ action: 'pick.approved', pickId: 'p1' });
  });

  it('a rejection whose audit append fails is still rejected, and the failure is logged', async () => {
    const log = { error: vi.fn() };
    const res = await rejectPick(sessionReturning([{ symbol: 'MCE', strategy: 'donchian' }]), input, { audit: failingAudit, log });
    expect(res).toMatchObject({ kind: 'rejected', symbol: 'MCE' });
    expect(log.error).toHaveBeenCalledTimes(1);
  });

  it('a row of the wrong shape is a RowShapeError naming the statement, not a wrong value', async () => {
    await expect(cancelCauseOf(sessionReturning([{ cause: 'bogus' }]), 'b1')).rejects.toBeInstanceOf(RowShapeError);
    // A numeric where the schema expects the driver's text: caught too.
    await expect(approvePick(sessionReturning([{ symbol: 'MCE', strategy: 'donchian', qty: '10', entry: 50, approval_id: 'a1', expires_at: new Date() }]), input)).rejects.toThrow(
      /WITH decided AS/,
    );
  });
});

/**
 * A refusal's audit row is best effort (the tap is answered either way), but
 * a failed append is never silent: it is logged with the row's action.
 */
import { describe, expect, it, vi } from 'vitest';
import type { UnitOfWork } from '../../../../src/adapters/db/port.js';
import { confirmPromote, keepPromotion, type PromoteDeps } from '../../../../src/trading/hypotheses/promote.js';
import { confirmRetire, type RetireDeps } from '../../../../src/trading/hypotheses/retire.js';

const failingAudit = { append: vi.fn(async () => Promise.reject(new Error('audit chain unavailable'))) };
const unused = {} as unknown as UnitOfWork;

function deps() {
  const warn = vi.fn<(obj: object, msg: string) => void>();
  const d: PromoteDeps & RetireDeps = {
    db: unused,
    store: {} as PromoteDeps['store'],
    books: {} as PromoteDeps['books'],
    audit: failingAudit,
    now: () => new Date('2026-12-04T15:00:00Z'),
    log: { warn },
  };
  return { ...d, warn };
}

describe('refusal audit rows that fail to append', () => {
  it.each([
    ['confirmRetire', (d: ReturnType<typeof deps>) => confirmRetire(d, 'tok', 7, 'viewer'), 'hypothesis.retire_refused'],
    ['confirmPromote', (d: ReturnType<typeof deps>) => confirmPromote(d, 'tok', 7, 'viewer'), 'hypothesis.promote_refused'],
    ['keepPromotion', (d: ReturnType<typeof deps>) => keepPromotion(d, 'tok', 7, 'viewer'), 'hypothesis.keep_refused'],
  ])('%s still answers forbidden and logs the failed append', async (_name, run, action) => {
    const d = deps();
    expect((await run(d)).kind).toBe('forbidden');
    expect(d.warn).toHaveBeenCalledTimes(1);
    const [obj, msg] = d.warn.mock.calls[0]!;
    expect(obj).toMatchObject({ action });
    expect((obj as { err: Error }).err.message).toBe('audit chain unavailable');
    expect(msg).toMatch(/audit/);
  });
});

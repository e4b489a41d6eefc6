/**
 * The one confirmation mechanism (DESIGN §4.5): a token bound to (action, subject, state
 * version), single use, expiring. Real Postgres (a fresh migrated database per test), an
 * injected clock for expiry.
 */
import type { DataSource } from 'typeorm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { UnitOfWork } from '../../../../src/adapters/db/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { Confirmations, CONFIRM_TTL_MS } from '../../../../src/trading/confirmations/confirmations.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let uow: UnitOfWork;
let clock: Date;
let confirmations: Confirmations;

const RESUME = { action: 'killswitch.resume', subject: 'kill-switch' } as const;
const FLATTEN = { action: 'killswitch.flatten', subject: 'kill-switch' } as const;
const changedAt = new Date('2025-07-08T17:05:00Z');

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 12 });
  await ds.initialize();
  uow = new TypeOrmUnitOfWork(ds);
  clock = new Date('2025-07-08T17:00:00Z');
  confirmations = new Confirmations(uow, { now: () => clock });
});
afterEach(async () => {
  await ds.destroy();
  await db.drop();
});

describe('Confirmations', () => {
  it('issues a short opaque token that fits a signed button, valid 5 minutes by default', async () => {
    expect(CONFIRM_TTL_MS).toBe(5 * 60_000);
    const t = await confirmations.issue({ ...RESUME, version: 4, issuedBy: 1 });
    expect(t.id).toMatch(/^[A-Za-z0-9_-]{16,24}$/);
    expect(t.expiresAt.getTime() - clock.getTime()).toBe(CONFIRM_TTL_MS);
    const other = await confirmations.issue({ ...RESUME, version: 4, issuedBy: 1 });
    expect(other.id).not.toBe(t.id);
  });

  it('redeems once for the state it was issued for; a second press is "used"', async () => {
    const t = await confirmations.issue({ ...RESUME, version: 4, issuedBy: 1 });
    expect(await confirmations.redeem(t.id, RESUME, { version: 4, changedAt }, 1)).toEqual({ kind: 'ok', version: 4 });
    expect(await confirmations.redeem(t.id, RESUME, { version: 4, changedAt }, 1)).toMatchObject({ kind: 'used', how: 'redeemed' });
  });

  it('single use under 12 concurrent redeems on separate connections: exactly one wins', async () => {
    const t = await confirmations.issue({ ...FLATTEN, version: 7, issuedBy: 1 });
    const others = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const d = createDataSource(db.url, { poolSize: 4 });
        await d.initialize();
        return d;
      }),
    );
    try {
      const sessions = [uow, ...others.map((d) => new TypeOrmUnitOfWork(d))];
      const verdicts = await Promise.all(
        Array.from({ length: 12 }, (_, i) => new Confirmations(sessions[i % sessions.length]!, { now: () => clock }).redeem(t.id, FLATTEN, { version: 7, changedAt }, 1)),
      );
      expect(verdicts.filter((v) => v.kind === 'ok')).toHaveLength(1);
      expect(verdicts.filter((v) => v.kind === 'used')).toHaveLength(11);
    } finally {
      await Promise.all(others.map((d) => d.destroy()));
    }
  });

  it('expires: a press after the TTL changes nothing and says "expired"', async () => {
    const t = await confirmations.issue({ ...RESUME, version: 2, issuedBy: 1, ttlMs: 60_000 });
    clock = new Date(clock.getTime() + 60_001);
    expect(await confirmations.redeem(t.id, RESUME, { version: 2, changedAt }, 1)).toMatchObject({ kind: 'expired' });
    // Still unused: going back in time (a clock that was ahead) would find it unspent, proving "expired" wrote nothing.
    clock = new Date(clock.getTime() - 30_000);
    expect(await confirmations.redeem(t.id, RESUME, { version: 2, changedAt }, 1)).toEqual({ kind: 'ok', version: 2 });
  });

  it('stale: the state moved on since the token was issued → refused with when it changed, and the token stays unspent', async () => {
    const t = await confirmations.issue({ ...RESUME, version: 5, issuedBy: 1 });
    expect(await confirmations.redeem(t.id, RESUME, { version: 6, changedAt }, 1)).toEqual({ kind: 'stale', version: 5, currentVersion: 6, changedAt });
    // Unknown current state (both stores unreadable) is never the version it was issued for.
    expect(await confirmations.redeem(t.id, RESUME, { version: null, changedAt: null }, 1)).toMatchObject({ kind: 'stale', version: 5, currentVersion: null });
    const used = (await ds.query(`SELECT used_at FROM confirmations WHERE id = $1`, [t.id])) as { used_at: Date | null }[];
    expect(used).toEqual([{ used_at: null }]);
  });

  it('bound to its action and subject: a resume token cannot confirm a flatten, an unknown id is "unknown"', async () => {
    const t = await confirmations.issue({ ...RESUME, version: 1, issuedBy: 1 });
    expect(await confirmations.redeem(t.id, FLATTEN, { version: 1, changedAt }, 1)).toEqual({ kind: 'unknown' });
    expect(await confirmations.redeem(t.id, { action: 'killswitch.resume', subject: 'position:ABC' }, { version: 1, changedAt }, 1)).toEqual({ kind: 'unknown' });
    expect(await confirmations.redeem('AAAAAAAAAAAAAAAAAAAAAA', RESUME, { version: 1, changedAt }, 1)).toEqual({ kind: 'unknown' });
    expect(await confirmations.redeem(t.id, RESUME, { version: 1, changedAt }, 1)).toEqual({ kind: 'ok', version: 1 });
  });

  it('cancel spends the token: its Confirm button does nothing afterwards', async () => {
    const t = await confirmations.issue({ ...RESUME, version: 3, issuedBy: 1 });
    expect(await confirmations.cancel(t.id, RESUME, 1)).toEqual({ kind: 'cancelled' });
    expect(await confirmations.redeem(t.id, RESUME, { version: 3, changedAt }, 1)).toMatchObject({ kind: 'used', how: 'cancelled' });
    expect(await confirmations.cancel(t.id, RESUME, 1)).toMatchObject({ kind: 'used' });
  });
});

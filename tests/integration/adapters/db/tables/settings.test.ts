/**
 * The settings group's typed tables (src/adapters/db/tables/settings) against a migrated
 * database: the configuration pin's starts (config_pins) and claimed changes
 * (config_pin_changes); the types a row comes back with, and a transaction's `tables` joining
 * that transaction. (user_settings and scheduled_runs are still reviewed SQL: see
 * src/trading/settings/repo.ts and src/trading/schedule/runs-repo.ts.)
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConfigPinChangeClaim, ConfigPinStart } from '../../../../../src/adapters/db/tables/settings/port.js';
import { useScratchDb } from './scratch-db.js';

const scratch = useScratchDb(['config_pins', 'config_pin_changes']);

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function start(role: string, pin: string, over: Partial<ConfigPinStart> = {}): ConfigPinStart {
  return {
    installation: null,
    role,
    instance: `${role}-1`,
    pin,
    settings: {
      EXEC_MAX_DRIFT_PCT: { digest: 'd-2', source: 'environment', secret: false, shown: '2' },
      CALLBACK_SECRET: { digest: 's-2', source: 'file /srv/.env, line 3', secret: true, shown: null },
    },
    ...over,
  };
}

function claim(over: Partial<ConfigPinChangeClaim> = {}): ConfigPinChangeClaim {
  return { pin: B, sinceId: '1', role: 'bot', previous: A, changed: ['EXEC_MAX_DRIFT_PCT', 'CALLBACK_SECRET'], ...over };
}

/** Ids of the stored starts, oldest first (bigint as text). */
async function ids(): Promise<string[]> {
  const rows: unknown = await scratch.ds.query(`SELECT id::text AS id FROM config_pins ORDER BY id`);
  return z.array(z.object({ id: z.string() })).parse(rows).map((r) => r.id);
}

describe('config pins', () => {
  it('records a start: the database fills id and time; a null installation stays null; the settings come back as written', async () => {
    const t = scratch.uow.tables.settings;
    await t.insertConfigPin(start('bot', A));
    await t.insertConfigPin(start('worker', A, { installation: 'inst-1' }));

    const stored: unknown = await scratch.ds.query(`SELECT id, at, installation, role, instance, pin FROM config_pins ORDER BY id`);
    expect(stored).toEqual([
      { id: expect.stringMatching(/^\d+$/), at: expect.any(Date), installation: null, role: 'bot', instance: 'bot-1', pin: A },
      { id: expect.stringMatching(/^\d+$/), at: expect.any(Date), installation: 'inst-1', role: 'worker', instance: 'worker-1', pin: A },
    ]);
    // The jsonb round trip keeps null and booleans as such.
    expect(await t.lastConfigPinOf('bot')).toEqual({ pin: A, settings: start('bot', A).settings });
  });

  it('the last start of a role is its newest by id; a role that never started has none', async () => {
    const t = scratch.uow.tables.settings;
    expect(await t.lastConfigPinOf('bot')).toBeNull();
    await t.insertConfigPin(start('bot', A));
    await t.insertConfigPin(start('worker', B));
    await t.insertConfigPin(start('bot', B, { settings: { X: { digest: 'x', source: 'default', secret: false, shown: '1' } } }));
    expect(await t.lastConfigPinOf('bot')).toEqual({ pin: B, settings: { X: { digest: 'x', source: 'default', secret: false, shown: '1' } } });
    expect((await t.lastConfigPinOf('worker'))?.pin).toBe(B);
    expect(await t.lastConfigPinOf('scheduler')).toBeNull();
  });

  it('the newest start with another pin: its id as text, null when every start had the pin', async () => {
    const t = scratch.uow.tables.settings;
    expect(await t.lastConfigPinIdOtherThan(A)).toBeNull();
    await t.insertConfigPin(start('bot', A));
    await t.insertConfigPin(start('worker', A));
    expect(await t.lastConfigPinIdOtherThan(A)).toBeNull();
    await t.insertConfigPin(start('bot', B));
    await t.insertConfigPin(start('worker', B));
    const [a1, a2] = await ids();
    expect(await t.lastConfigPinIdOtherThan(B)).toBe(a2);
    expect(typeof a1).toBe('string');
    const [, , , b2] = await ids();
    expect(await t.lastConfigPinIdOtherThan(A)).toBe(b2);
  });
});

describe('config pin changes', () => {
  it('claims a change once per (pin, since id); the row keeps the changed names as an array', async () => {
    const t = scratch.uow.tables.settings;
    expect(await t.claimConfigPinChange(claim())).toBe(true);
    expect(await t.claimConfigPinChange(claim({ role: 'worker' }))).toBe(false);
    expect(await t.claimConfigPinChange(claim({ sinceId: '2' }))).toBe(true);
    expect(await t.claimConfigPinChange(claim({ pin: A, previous: B }))).toBe(true);

    const stored: unknown = await scratch.ds.query(`SELECT pin, since_id, at, role, previous, changed FROM config_pin_changes ORDER BY pin DESC, since_id`);
    expect(stored).toEqual([
      { pin: B, since_id: '1', at: expect.any(Date), role: 'bot', previous: A, changed: ['EXEC_MAX_DRIFT_PCT', 'CALLBACK_SECRET'] },
      { pin: B, since_id: '2', at: expect.any(Date), role: 'bot', previous: A, changed: ['EXEC_MAX_DRIFT_PCT', 'CALLBACK_SECRET'] },
      { pin: A, since_id: '1', at: expect.any(Date), role: 'bot', previous: B, changed: ['EXEC_MAX_DRIFT_PCT', 'CALLBACK_SECRET'] },
    ]);
  });

  it('an empty list of changed names is stored as an empty array', async () => {
    expect(await scratch.uow.tables.settings.claimConfigPinChange(claim({ changed: [] }))).toBe(true);
    const stored: unknown = await scratch.ds.query(`SELECT changed FROM config_pin_changes`);
    expect(stored).toEqual([{ changed: [] }]);
  });
});

describe("a transaction's tables", () => {
  it('join the transaction: its reads see its writes, the pool does not until commit, and a rollback undoes them', async () => {
    await expect(
      scratch.uow.transaction(async (tx) => {
        await tx.tables.settings.insertConfigPin(start('bot', A));
        expect(await tx.tables.settings.claimConfigPinChange(claim())).toBe(true);
        expect((await tx.tables.settings.lastConfigPinOf('bot'))?.pin).toBe(A);
        expect(await scratch.uow.tables.settings.lastConfigPinOf('bot')).toBeNull();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await scratch.uow.tables.settings.lastConfigPinOf('bot')).toBeNull();
    expect(await ids()).toEqual([]);
    // The rolled-back claim left nothing behind: the change can be claimed again.
    expect(await scratch.uow.tables.settings.claimConfigPinChange(claim())).toBe(true);
  });

  it('a committed transaction keeps its writes', async () => {
    await scratch.uow.transaction(async (tx) => {
      await tx.tables.settings.insertConfigPin(start('bot', A));
    });
    expect((await scratch.uow.tables.settings.lastConfigPinOf('bot'))?.pin).toBe(A);
  });
});

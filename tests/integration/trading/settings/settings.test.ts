import { randomBytes } from 'node:crypto';
import type { Context } from 'telegraf';
import type { DataSource } from 'typeorm';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../../src/trading/audit/audit-log.js';
import { handleSettingsCallback, type SettingsDeps } from '../../../../src/bot/commands/settings.js';
import type { Config } from '../../../../src/app/config/config.js';
import { createDataSource } from '../../../../src/adapters/db/data-source.js';
import type { UnitOfWork } from '../../../../src/adapters/db/port.js';
import { TypeOrmUnitOfWork } from '../../../../src/adapters/db/unit-of-work.js';
import { recipientsFor } from '../../../../src/trading/settings/recipients.js';
import { UserSettingsRepo } from '../../../../src/trading/settings/repo.js';
import { createTestDatabase } from '../../../helpers/pg.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
/** The use cases' port over `ds`. */
let uow: UnitOfWork;
let repo: UserSettingsRepo;
const stored = async (userId: number) => ((await ds.query(`SELECT settings FROM user_settings WHERE user_id = $1`, [userId])) as { settings: unknown }[])[0]?.settings;

beforeEach(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 8 });
  await ds.initialize();
  uow = new TypeOrmUnitOfWork(ds);
  repo = new UserSettingsRepo(uow);
});
afterEach(async () => {
  await ds.destroy();
  await db.drop();
});

describe('user settings persistence', () => {
  it('a user who never changed anything gets digests and fills on', async () => {
    expect(await repo.get(42)).toEqual({ digest: 'on', fills: 'on', review: 'on' });
    expect(await stored(42)).toBeUndefined();
  });

  it('persists a change as settings.notify.<kind> and reads it back', async () => {
    expect(await repo.setMode(42, 'digest', 'silent')).toEqual({ digest: 'silent', fills: 'on', review: 'on' });
    expect(await stored(42)).toEqual({ notify: { digest: 'silent' } });
    expect(await new UserSettingsRepo(uow).get(42)).toEqual({ digest: 'silent', fills: 'on', review: 'on' });
    await repo.setMode(42, 'fills', 'off');
    await repo.setMode(42, 'digest', 'on');
    expect(await stored(42)).toEqual({ notify: { digest: 'on', fills: 'off' } });
  });

  it('keeps other keys of the row, and reads junk values as the default', async () => {
    await ds.query(`INSERT INTO user_settings (user_id, settings) VALUES (7, $1)`, [JSON.stringify({ theme: 'dark', notify: { fills: 'loud', other: 1 } })]);
    expect(await repo.get(7)).toEqual({ digest: 'on', fills: 'on', review: 'on' });
    await repo.setMode(7, 'digest', 'off');
    expect(await stored(7)).toEqual({ theme: 'dark', notify: { fills: 'loud', other: 1, digest: 'off' } });
    // A row that is not even an object is replaced by a valid one on the next change.
    await ds.query(`INSERT INTO user_settings (user_id, settings) VALUES (8, '"garbage"'), (9, '{"notify": 3}')`);
    expect(await repo.get(8)).toEqual({ digest: 'on', fills: 'on', review: 'on' });
    expect(await repo.setMode(8, 'fills', 'silent')).toEqual({ digest: 'on', fills: 'silent', review: 'on' });
    expect(await repo.setMode(9, 'fills', 'silent')).toEqual({ digest: 'on', fills: 'silent', review: 'on' });
    expect(await stored(9)).toEqual({ notify: { fills: 'silent' } });
  });

  it('refuses values outside the schema before touching the database', async () => {
    await expect(repo.setMode(42, 'digest', 'loud' as never)).rejects.toThrow();
    await expect(repo.setMode(42, 'sms' as never, 'on')).rejects.toThrow();
    await expect(repo.setMode(0, 'digest', 'on')).rejects.toThrow(/positive/);
    expect(await stored(42)).toBeUndefined();
  });

  it('concurrent changes of different settings of one user are all kept', async () => {
    await Promise.all([repo.setMode(5, 'digest', 'silent'), repo.setMode(5, 'fills', 'off'), repo.setMode(6, 'digest', 'off'), repo.setMode(6, 'fills', 'silent')]);
    expect(await repo.get(5)).toEqual({ digest: 'silent', fills: 'off', review: 'on' });
    expect(await repo.get(6)).toEqual({ digest: 'off', fills: 'silent', review: 'on' });
  });
});

describe('recipientsFor', () => {
  const allow = new Map([
    [30, 'viewer'],
    [10, 'admin'],
    [20, 'trader'],
    [40, 'trader'],
  ] as const);

  it('everyone on the allow list by default, in user id order, private chat = user id', async () => {
    expect(await recipientsFor('digest', uow, allow)).toEqual([
      { chatId: 10, userId: 10, role: 'admin', silent: false },
      { chatId: 20, userId: 20, role: 'trader', silent: false },
      { chatId: 30, userId: 30, role: 'viewer', silent: false },
      { chatId: 40, userId: 40, role: 'trader', silent: false },
    ]);
  });

  it('leaves out who turned the kind off, marks silent ones, and ignores users not on the allow list', async () => {
    await repo.setMode(20, 'digest', 'off');
    await repo.setMode(30, 'digest', 'silent');
    await repo.setMode(40, 'fills', 'off');
    await repo.setMode(99, 'digest', 'on');
    expect((await recipientsFor('digest', uow, allow)).map((r) => [r.userId, r.silent])).toEqual([
      [10, false],
      [30, true],
      [40, false],
    ]);
    expect((await recipientsFor('fills', uow, allow)).map((r) => [r.userId, r.silent])).toEqual([
      [10, false],
      [20, false],
      [30, false],
    ]);
    expect(await recipientsFor('digest', uow, new Map())).toEqual([]);
  });
});

describe('handleSettingsCallback', () => {
  interface Calls {
    answers: { text: string; alert: boolean }[];
    edits: { text: string; keyboard: { text: string; callback_data: string }[][] }[];
  }
  function fakeCtx(userId: number | null): { ctx: Context; calls: Calls } {
    const calls: Calls = { answers: [], edits: [] };
    const ctx = {
      from: userId === null ? undefined : { id: userId, first_name: 'U', is_bot: false },
      chat: { id: userId ?? 1, type: 'private' },
      update: { update_id: 900 },
      answerCbQuery: async (text: string, extra?: { show_alert?: boolean }) => {
        calls.answers.push({ text, alert: extra?.show_alert === true });
        return true;
      },
      editMessageText: async (msg: { text: string }, extra: { reply_markup: { inline_keyboard: Calls['edits'][number]['keyboard'] } }) => {
        calls.edits.push({ text: msg.text, keyboard: extra.reply_markup.inline_keyboard });
        return true;
      },
    } as unknown as Context;
    return { ctx, calls };
  }
  let deps: SettingsDeps;
  let audit: AuditLog;
  beforeEach(() => {
    audit = new AuditLog(uow);
    deps = {
      signSettingsArg: (arg) => `sig:${arg}`,
      uow,
      audit,
      log: pino({ level: 'silent' }),
      now: () => 1_800_000_000_000,
      config: { telegram: { callbackKey: randomBytes(32) } } as unknown as Config,
    };
  });

  it('sets the presser’s own setting, answers, audits and redraws the message with the new state', async () => {
    const { ctx, calls } = fakeCtx(55);
    await handleSettingsCallback(deps, ctx, 'digest-silent');
    expect(await repo.get(55)).toEqual({ digest: 'silent', fills: 'on', review: 'on' });
    expect(await repo.get(56)).toEqual({ digest: 'on', fills: 'on', review: 'on' });
    expect(calls.answers).toEqual([{ text: 'Digests: silent', alert: false }]);
    expect(calls.edits).toHaveLength(1);
    expect(calls.edits[0]!.text).toContain('🔕 Digests: silent');
    expect(calls.edits[0]!.text).toContain('🔔 Fills: on');
    expect(calls.edits[0]!.keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['Digests on', '✓ Digests silent', 'Digests off'],
      ['✓ Fills on', 'Fills silent', 'Fills off'],
      ['✓ Weekly review on', 'Weekly review silent', 'Weekly review off'],
    ]);
    expect(calls.edits[0]!.keyboard[0]!.map((b) => b.callback_data)).toEqual(['sig:digest-on', 'sig:digest-silent', 'sig:digest-off']);
    const rows = (await ds.query(`SELECT payload FROM audit_log ORDER BY seq`)) as { payload: Record<string, unknown> }[];
    expect(rows.map((r) => r.payload)).toEqual([expect.objectContaining({ action: 'settings.changed', actor: 55, setting: 'digest', from: 'on', to: 'silent', via: 'button' })]);
  });

  it('a redraw that fails after the change is saved is logged, not thrown', async () => {
    const { ctx, calls } = fakeCtx(55);
    (ctx as unknown as { editMessageText: () => Promise<never> }).editMessageText = async () => {
      throw new Error('message is not modified');
    };
    await expect(handleSettingsCallback(deps, ctx, 'fills-silent')).resolves.toBeUndefined();
    expect(calls.answers).toEqual([{ text: 'Fills: silent', alert: false }]);
    expect(await repo.get(55)).toEqual({ digest: 'on', fills: 'silent', review: 'on' });
  });

  it('pressing the current value changes nothing and does not redraw', async () => {
    await repo.setMode(55, 'fills', 'off');
    const { ctx, calls } = fakeCtx(55);
    await handleSettingsCallback(deps, ctx, 'fills-off');
    expect(calls.answers).toEqual([{ text: 'Fills already off', alert: false }]);
    expect(calls.edits).toEqual([]);
    expect(await ds.query(`SELECT 1 FROM audit_log`)).toEqual([]);
  });

  it('an argument that is not a setting is refused with an alert and changes nothing', async () => {
    for (const arg of ['digest-loud', 'sms-on', 'digest', '', 'digest-on-x']) {
      const { ctx, calls } = fakeCtx(55);
      await handleSettingsCallback(deps, ctx, arg);
      expect(calls.answers).toEqual([{ text: 'This button is not valid. Send /settings again.', alert: true }]);
    }
    expect(await stored(55)).toBeUndefined();
  });
});

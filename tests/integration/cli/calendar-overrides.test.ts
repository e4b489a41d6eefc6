/**
 * `courtside calendar close|late-open|overrides` and the year listing with overrides, run in
 * process against a fresh test database: the row and its audit entry, what the listing and the
 * year view then print, and the refusals (with nothing written for them).
 */
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDataSource } from '../../../src/adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { UsageError, type CliIO } from '../../../src/cli/command.js';
import { calendarCommand, type CalendarJson, type KrxCalendarJson } from '../../../src/cli/commands/calendar.js';
import { AuditLog } from '../../../src/trading/audit/audit-log.js';
import { createTestDatabase } from '../../helpers/pg.js';
import { setProcessEnv } from '../../helpers/process-env.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let ds: DataSource;
let restoreEnv = () => {};

beforeAll(async () => {
  db = await createTestDatabase();
  ds = createDataSource(db.url, { poolSize: 2 });
  await ds.initialize();
  restoreEnv = setProcessEnv({ DATABASE_URL: db.url });
});
afterAll(async () => {
  restoreEnv();
  await ds.destroy();
  await db.drop();
});
beforeEach(async () => {
  await ds.query('TRUNCATE calendar_overrides');
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = { stdout: (t) => (out += t), stderr: (t) => (err += t) };
  const code = await calendarCommand.run(args, io);
  return { code, out, err };
}

const rows = async () =>
  (await ds.query(`SELECT exchange, to_char(date, 'YYYY-MM-DD') AS date, kind, open_time::text AS open_time, reason, created_by FROM calendar_overrides ORDER BY exchange, date`)) as unknown[];
const auditTail = async () => (await ds.query(`SELECT seq::int AS seq, payload FROM audit_log ORDER BY seq DESC LIMIT 1`)) as { seq: number; payload: Record<string, unknown> }[];

describe('courtside calendar close | late-open | overrides', () => {
  it('records a close and a late open, each audited as actor cli, and lists them', async () => {
    const close = await run('close', '--market', 'nyse', '2026-12-10', '--reason', 'Snow storm closes the floor');
    expect(close).toMatchObject({ code: 0, err: '' });
    expect(close.out).toMatch(/^Recorded: XNYS 2026-12-10 a close \("Snow storm closes the floor"\) \(override #\d+, audited\)/);
    const [afterClose] = await auditTail();
    expect(afterClose!.payload).toMatchObject({ action: 'calendar.override', actor: 'cli', exchange: 'XNYS', date: '2026-12-10', kind: 'close', openTime: null, reason: 'Snow storm closes the floor' });

    const late = await run('late-open', '--market', 'krx', '2026-12-10', '--at', '10:00', '--reason', 'KRX system upgrade');
    expect(late).toMatchObject({ code: 0, err: '' });
    const [afterLate] = await auditTail();
    expect(afterLate!.seq).toBe(afterClose!.seq + 1);
    expect(afterLate!.payload).toMatchObject({ action: 'calendar.override', actor: 'cli', exchange: 'XKRX', date: '2026-12-10', kind: 'late_open', openTime: '10:00', reason: 'KRX system upgrade' });
    expect(await new AuditLog(new TypeOrmUnitOfWork(ds)).verify()).toMatchObject({ ok: true });

    expect(await rows()).toEqual([
      { exchange: 'XKRX', date: '2026-12-10', kind: 'late_open', open_time: '10:00:00', reason: 'KRX system upgrade', created_by: 'cli' },
      { exchange: 'XNYS', date: '2026-12-10', kind: 'close', open_time: null, reason: 'Snow storm closes the floor', created_by: 'cli' },
    ]);

    const list = await run('overrides');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^Calendar overrides \(2\):\n {2}2026-12-10 Thu {2}XKRX {2}late open 10:00 {2}"KRX system upgrade" {2}\(by cli, 20\d\d-/);
    expect(list.out).toContain('  2026-12-10 Thu  XNYS  closed  "Snow storm closes the floor"  (by cli, ');
    const json = JSON.parse((await run('overrides', '--market', 'krx', '--json')).out) as { overrides: Record<string, unknown>[] };
    expect(json.overrides).toEqual([expect.objectContaining({ exchange: 'XKRX', date: '2026-12-10', kind: 'late_open', openTime: '10:00', createdBy: 'cli' })]);
  });

  it('the year listing reflects the overrides in Postgres and says so; without DATABASE_URL it is the rule calendar and says that', async () => {
    expect((await run('close', '--market', 'nyse', '2026-12-10', '--reason', 'Snow storm')).code).toBe(0);
    expect((await run('late-open', '--market', 'krx', '2026-12-10', '--at', '10:00', '--reason', 'System upgrade')).code).toBe(0);

    const ny = JSON.parse((await run('--year', '2026', '--json')).out) as CalendarJson;
    expect(ny.sessionCount).toBe(250);
    expect(ny.sessions.find((s) => s.date === '2026-12-10')).toBeUndefined();
    expect(ny.holidays).toContainEqual({ date: '2026-12-10', name: 'Snow storm', kind: 'special' });
    expect(ny.sessions[0]).toEqual({ date: '2026-01-02', open: '2026-01-02T09:30:00-05:00', close: '2026-01-02T16:00:00-05:00', earlyClose: false, lateOpen: false, lateClose: false });

    const kr = await run('--market', 'krx', '--year', '2026', '--json');
    expect(kr.err).toBe('');
    const krDoc = JSON.parse(kr.out) as KrxCalendarJson;
    expect(krDoc.sessions.find((s) => s.date === '2026-12-10')).toEqual({
      date: '2026-12-10',
      open: '2026-12-10T10:00:00+09:00',
      close: '2026-12-10T15:30:00+09:00',
      earlyClose: false,
      lateOpen: true,
      lateClose: false,
      break: null,
    });

    const text = (await run('--market', 'krx', '--year', '2026')).out;
    expect(text.split('\n')[1]).toBe('Source: the exchange rules with the run-time overrides in Postgres (1 in 2026)');
    expect(text).toContain('  2026-12-10 Thu  XKRX  late open 10:00  "System upgrade"  (by cli, ');
    expect(text).toContain('  2026-12-10 Thu  10:00–15:30  late open');

    const restore = setProcessEnv({ DATABASE_URL: '' });
    try {
      const rules = await run('--year', '2026');
      expect(rules.out.split('\n')[1]).toBe('Source: the exchange rules only (DATABASE_URL is not set, so run-time overrides were not read)');
      expect(rules.out).toContain('Sessions (251):');
    } finally {
      restore();
    }
  });

  it.each([
    ['a close on a holiday', ['close', '--market', 'nyse', '2026-12-25', '--reason', 'x'], /Refused: XNYS 2026-12-25: 2026-12-25 is not a XNYS session by the rules \(weekend or holiday\)/],
    ['a close on a KRX weekend', ['close', '--market', 'krx', '2026-12-12', '--reason', 'x'], /not a XKRX session by the rules/],
    ['a late open after the close', ['late-open', '--market', 'nyse', '2026-12-10', '--at', '16:30', '--reason', 'x'], /a late open at 16:30 is at or after the 16:00 close of 2026-12-10: close the day instead/],
    ['a late open before the open', ['late-open', '--market', 'krx', '2026-12-10', '--at', '08:30', '--reason', 'x'], /not after the scheduled 09:00 open/],
  ])('refuses %s (exit 1, nothing written)', async (_what, args, message) => {
    const before = await auditTail();
    const r = await run(...args);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
    expect(await rows()).toEqual([]);
    expect(await auditTail()).toEqual(before);
  });

  it('refuses a second override of the same day, naming the first', async () => {
    expect((await run('close', '--market', 'nyse', '2026-12-10', '--reason', 'Storm')).code).toBe(0);
    const before = await auditTail();
    const r = await run('late-open', '--market', 'nyse', '2026-12-10', '--at', '11:00', '--reason', 'Later');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Refused: XNYS 2026-12-10 already has a close \("Storm"\) \(added by cli at 20\d\d-.*\): one override per day/);
    expect(await rows()).toHaveLength(1);
    expect(await auditTail()).toEqual(before);
  });

  it.each([
    [['close', '2026-12-10', '--reason', 'x'], /needs --market nyse\|krx/],
    [['close', '--market', 'nyse', '2026-12-10'], /needs --reason/],
    [['close', '--market', 'nyse', '2026-12-10', '--reason', '  '], /needs --reason/],
    [['close', '--market', 'nyse', '--reason', 'x'], /takes one date YYYY-MM-DD, got none/],
    [['close', '--market', 'nyse', '10/12/2026', '--reason', 'x'], /Invalid date "10\/12\/2026"/],
    [['close', '--market', 'nyse', '2026-12-10', '--reason', 'x', '--at', '10:00'], /--at does not apply to calendar close/],
    [['late-open', '--market', 'krx', '2026-12-10', '--reason', 'x'], /needs --at HH:MM/],
    [['late-open', '--market', 'krx', '2026-12-10', '--at', '10h', '--reason', 'x'], /Invalid --at "10h"/],
    [['close', '--market', 'nasdaq', '2026-12-10', '--reason', 'x'], /Unknown --market "nasdaq"/],
    [['--year', '2026', '--reason', 'x'], /--reason does not apply to printing a year/],
    [['overrides', 'extra'], /takes no arguments/],
    [['reopen', '--market', 'nyse'], /Unexpected positional argument "reopen"/],
  ])('throws UsageError for %j', async (args, message) => {
    const p = run(...args);
    await expect(p).rejects.toBeInstanceOf(UsageError);
    await expect(p).rejects.toThrow(message);
    expect(await rows()).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../../src/cli/command.js';
import { calendarCommand } from '../../../../../src/cli/commands/calendar.js';
import type { CalendarJson, KrxCalendarJson } from '../../../../../src/cli/commands/calendar.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await calendarCommand.run(args, {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

describe('courtside calendar --market krx', () => {
  it('documents the option', () => {
    expect(calendarCommand.usage).toContain('--market nyse|krx');
  });

  it('prints the KRX year as JSON with +09:00 times and lateClose', async () => {
    const { code, out, err } = await run(['--market', 'krx', '--year', '2025', '--json']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const doc = JSON.parse(out) as KrxCalendarJson;
    expect(doc.year).toBe(2025);
    expect(doc.timeZone).toBe('Asia/Seoul');
    expect(doc.sessionCount).toBe(242);
    expect(doc.sessions).toHaveLength(242);
    expect(doc.sessions[0]).toEqual({
      date: '2025-01-02',
      open: '2025-01-02T10:00:00+09:00',
      close: '2025-01-02T15:30:00+09:00',
      earlyClose: false,
      lateOpen: true,
      lateClose: false,
      break: null,
    });
    expect(doc.sessions.find((s) => s.date === '2025-11-13')).toMatchObject({
      open: '2025-11-13T10:00:00+09:00',
      close: '2025-11-13T16:30:00+09:00',
      lateOpen: true,
      lateClose: true,
    });
    expect(doc.holidays.find((h) => h.date === '2025-06-03')).toEqual({
      date: '2025-06-03',
      name: 'Presidential election',
      kind: 'special',
    });
    expect(doc.holidays.at(-1)).toEqual({ date: '2025-12-31', name: 'Year-end closing', kind: 'holiday' });
    expect(doc.earlyCloses).toEqual([]);
  });

  it('shows the 2000 lunch break', async () => {
    const doc = JSON.parse((await run(['--market', 'krx', '--year', '2000', '--json'])).out) as KrxCalendarJson;
    expect(doc.sessionCount).toBe(241);
    expect(doc.sessions[0]).toMatchObject({
      date: '2000-01-04',
      open: '2000-01-04T09:00:00+09:00',
      lateOpen: false,
      break: { start: '2000-01-04T12:00:00+09:00', end: '2000-01-04T13:00:00+09:00' },
    });
  });

  it('prints a KRX text report', async () => {
    const { code, out } = await run(['--year', '2025', '--market', 'KRX']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('KRX calendar 2025 (Asia/Seoul)');
    expect(out).toContain('  2025-01-27 Mon  Temporary holiday (Seollal bridge day)  [special closure]');
    expect(out).toContain('Late opens and closes (2):');
    expect(out).toContain('  2025-11-13 Thu  10:00–16:30  late open, late close');
    expect(out).toContain('Sessions (242):');
    expect(out).toContain('  2025-01-02 Thu  2025-01-02T10:00:00+09:00  2025-01-02T15:30:00+09:00  (late open)');
    expect(lines.filter((l) => /^ {2}\d{4}-\d{2}-\d{2} \w{3} {2}\d{4}-/.test(l))).toHaveLength(242);
  });

  it('stays NYSE with --market nyse or without --market', async () => {
    const a = JSON.parse((await run(['--year', '2026', '--json', '--market', 'nyse'])).out) as CalendarJson;
    const b = JSON.parse((await run(['--year', '2026', '--json'])).out) as CalendarJson;
    expect(a).toEqual(b);
    expect(a.timeZone).toBe('America/New_York');
    expect(a.sessionCount).toBe(251);
  });

  it.each([
    [['--year', '2025', '--market', 'xyz'], /Unknown --market "xyz": choose one of nyse, krx/],
    [['--year', '2025', '--market'], /argument missing/],
    [['--market', 'krx', '--year', '2051'], /outside the supported range 2000–2050/],
  ])('throws UsageError for %j', async (args, message) => {
    const p = run(args);
    await expect(p).rejects.toBeInstanceOf(UsageError);
    await expect(p).rejects.toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../../src/cli/command.js';
import { calendarCommand } from '../../../../src/cli/commands/calendar.js';
import type { CalendarJson } from '../../../../src/cli/commands/calendar.js';

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

describe('courtside calendar', () => {
  it('describes itself', () => {
    expect(calendarCommand.name).toBe('calendar');
    expect(calendarCommand.summary.length).toBeGreaterThan(0);
    expect(calendarCommand.usage).toContain('--year YYYY');
  });

  it('prints JSON with ISO-with-offset session times, holidays and early closes', async () => {
    const { code, out, err } = await run(['--year', '2026', '--json']);
    expect(code).toBe(0);
    expect(err).toBe('');
    const doc = JSON.parse(out) as CalendarJson;
    expect(doc.year).toBe(2026);
    expect(doc.timeZone).toBe('America/New_York');
    expect(doc.sessionCount).toBe(251);
    expect(doc.sessions).toHaveLength(251);
    expect(doc.sessions[0]).toEqual({
      date: '2026-01-02',
      open: '2026-01-02T09:30:00-05:00',
      close: '2026-01-02T16:00:00-05:00',
      earlyClose: false,
      lateOpen: false,
      lateClose: false,
    });
    expect(doc.sessions.find((s) => s.date === '2026-03-09')).toMatchObject({
      open: '2026-03-09T09:30:00-04:00',
      close: '2026-03-09T16:00:00-04:00',
    });
    expect(doc.sessions.find((s) => s.date === '2026-11-27')).toMatchObject({
      close: '2026-11-27T13:00:00-05:00',
      earlyClose: true,
    });
    expect(doc.holidays).toHaveLength(10);
    expect(doc.holidays[6]).toEqual({ date: '2026-07-03', name: 'Independence Day (observed)', kind: 'holiday' });
    expect(doc.earlyCloses).toEqual([
      { date: '2026-11-27', name: 'Day after Thanksgiving', closeTime: '13:00' },
      { date: '2026-12-24', name: 'Christmas Eve', closeTime: '13:00' },
    ]);
  });

  it('prints a text report by default', async () => {
    const { code, out } = await run(['--year', '2025']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('NYSE/Nasdaq calendar 2025 (America/New_York)');
    expect(out).toContain('Holidays (11):');
    expect(out).toContain('  2025-01-09 Thu  National Day of Mourning for President Jimmy Carter  [special closure]');
    expect(out).toContain('Early closes (3):');
    expect(out).toContain('  2025-07-03 Thu  13:00  Day before Independence Day');
    expect(out).toContain('Sessions (250):');
    expect(out).toContain('  2025-07-03 Thu  2025-07-03T09:30:00-04:00  2025-07-03T13:00:00-04:00  (early close)');
    const sessionLines = lines.filter((l) => /^ {2}\d{4}-\d{2}-\d{2} \w{3} {2}\d{4}-/.test(l));
    expect(sessionLines).toHaveLength(250);
    expect(out.endsWith('\n')).toBe(true);
  });

  it.each([
    [[], /Missing required option --year/],
    [['--year', '1999'], /outside the supported range 2000–2050/],
    [['--year', '2051'], /outside the supported range 2000–2050/],
    [['--year', '20x6'], /four-digit year/],
    [['--year', '226'], /four-digit year/],
    [['--year'], /argument missing/],
    [['--year', '2026', '--verbose'], /Unknown option/],
    [['--year', '2026', 'extra'], /positional/],
  ])('throws UsageError for %j', async (args, message) => {
    const p = run(args as string[]);
    await expect(p).rejects.toBeInstanceOf(UsageError);
    await expect(p).rejects.toThrow(message);
  });
});

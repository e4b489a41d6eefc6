/**
 * `courtside calendar --year YYYY [--json]`: prints one year of the NYSE/Nasdaq
 * calendar — every session with its open and close (ISO 8601 with the New York
 * offset), the holidays and the early closes.
 */
import { parseArgs } from 'node:util';
import {
  CALENDAR_FIRST_YEAR,
  CALENDAR_LAST_YEAR,
  NY_TIME_ZONE,
  earlyClosesOf,
  formatNyIso,
  holidaysOf,
  sessionInfo,
  sessionsOf,
} from '../../engine/calendar/index.js';
import type { EarlyClose, MarketHoliday } from '../../engine/calendar/index.js';
import { UsageError } from '../command.js';
import type { CliCommand, CliIO } from '../command.js';

const USAGE = `courtside calendar --year YYYY [--json]

Prints the NYSE/Nasdaq calendar for one year (${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}):
every session with open/close times in ${NY_TIME_ZONE} (ISO 8601 with offset),
the holidays and the early (13:00) closes.

Options:
  --year YYYY   calendar year, ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR} (required)
  --json        print JSON instead of text`;

/** One session line of the JSON output. */
export interface CalendarSessionJson {
  date: string;
  open: string;
  close: string;
  earlyClose: boolean;
  lateOpen: boolean;
}

/** The `--json` document. */
export interface CalendarJson {
  year: number;
  timeZone: string;
  sessionCount: number;
  sessions: CalendarSessionJson[];
  holidays: MarketHoliday[];
  earlyCloses: EarlyClose[];
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

function weekdayName(date: string): string {
  // Noon UTC of the civil date: the weekday is the same in every zone that matters here.
  return WEEKDAYS[new Date(`${date}T12:00:00Z`).getUTCDay()] ?? '???';
}

function parseYear(args: string[]): { year: number; json: boolean } {
  let values: { year?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { year: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.year === undefined) throw new UsageError('Missing required option --year YYYY');
  if (!/^\d{4}$/.test(values.year)) {
    throw new UsageError(`Invalid --year ${JSON.stringify(values.year)}: expected a four-digit year`);
  }
  const year = Number(values.year);
  if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) {
    throw new UsageError(
      `--year ${year} is outside the supported range ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}`,
    );
  }
  return { year, json: values.json === true };
}

/** Builds the JSON document for `year` (exported for tests and reuse). */
export function calendarJson(year: number): CalendarJson {
  const sessions = sessionsOf(year).map((date): CalendarSessionJson => {
    const info = sessionInfo(date);
    if (info === null) throw new Error(`Calendar inconsistency: ${date} listed as a session but has no hours`);
    return {
      date,
      open: formatNyIso(info.open),
      close: formatNyIso(info.close),
      earlyClose: info.earlyClose,
      lateOpen: info.lateOpen,
    };
  });
  return {
    year,
    timeZone: NY_TIME_ZONE,
    sessionCount: sessions.length,
    sessions,
    holidays: holidaysOf(year).map((h) => ({ ...h })),
    earlyCloses: earlyClosesOf(year).map((e) => ({ ...e })),
  };
}

function renderText(doc: CalendarJson): string {
  const lines: string[] = [];
  lines.push(`NYSE/Nasdaq calendar ${doc.year} (${doc.timeZone})`);
  lines.push('');
  lines.push(`Holidays (${doc.holidays.length}):`);
  for (const h of doc.holidays) {
    lines.push(`  ${h.date} ${weekdayName(h.date)}  ${h.name}${h.kind === 'special' ? '  [special closure]' : ''}`);
  }
  lines.push('');
  lines.push(`Early closes (${doc.earlyCloses.length}):`);
  for (const e of doc.earlyCloses) lines.push(`  ${e.date} ${weekdayName(e.date)}  ${e.closeTime}  ${e.name}`);
  lines.push('');
  lines.push(`Sessions (${doc.sessionCount}):`);
  for (const s of doc.sessions) {
    const notes = [s.earlyClose ? 'early close' : '', s.lateOpen ? 'late open' : ''].filter(Boolean).join(', ');
    lines.push(`  ${s.date} ${weekdayName(s.date)}  ${s.open}  ${s.close}${notes ? `  (${notes})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The `calendar` sub-command. */
export const calendarCommand: CliCommand = {
  name: 'calendar',
  summary: 'Print the NYSE/Nasdaq sessions, holidays and early closes of a year',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const { year, json } = parseYear(args);
    const doc = calendarJson(year);
    io.stdout(json ? `${JSON.stringify(doc, null, 2)}\n` : renderText(doc));
    return 0;
  },
};

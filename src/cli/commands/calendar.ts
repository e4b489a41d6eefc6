/**
 * `courtside calendar --year YYYY [--market nyse|krx] [--json]`: prints one
 * year of an exchange calendar — every session with its open and close (ISO
 * 8601 with the exchange's offset), the holidays and the early closes; for KRX
 * also the late closes (CSAT days) and the 2000 lunch break. With DATABASE_URL
 * set, the run-time overrides in Postgres are applied (and the text says so).
 *
 * `courtside calendar close|late-open --market M DATE … --reason "…"` adds a
 * run-time override (audited, actor `cli`); `courtside calendar overrides`
 * lists them. The scheduler and the entry gate read NYSE overrides within a
 * minute; KRX ones reach the KR slots, the KR entry gate, the KRX open queue
 * and the KIS adapter ({@link KRX_OVERRIDE_NOTE}).
 */
import { parseArgs } from 'node:util';
import { createDataSource } from '../../adapters/db/data-source.js';
import { tableExists } from '../../adapters/db/server-facts.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { loadConfig } from '../../app/config/config.js';
import { XKRX_CALENDAR, XNYS_CALENDAR, type ExchangeCalendar, type ExchangeId } from '../../engine/calendar/exchange.js';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, NY_TIME_ZONE, earlyClosesOf } from '../../engine/calendar/index.js';
import type { EarlyClose, MarketHoliday } from '../../engine/calendar/index.js';
import * as krx from '../../engine/calendar/krx/index.js';
import { overrideProblem, withOverrides, type CalendarOverride } from '../../engine/calendar/overrides.js';
import { AuditLog } from '../../trading/audit/audit-log.js';
import { addCalendarOverride, CalendarOverrideRefused, describeOverride } from '../../trading/calendar/add-override.js';
import { CalendarOverrideStore, type StoredCalendarOverride } from '../../trading/calendar/store.js';
import { UsageError } from '../command.js';
import type { CliCommand, CliIO } from '../command.js';

/** The markets `--market` accepts; the first is the default. */
export const CALENDAR_MARKETS = ['nyse', 'krx'] as const;
/** A value of `--market`. */
export type CalendarMarket = (typeof CALENDAR_MARKETS)[number];

/** The exchange calendar of each `--market`. */
const EXCHANGE_OF: Record<CalendarMarket, ExchangeId> = { nyse: 'XNYS', krx: 'XKRX' };
const CALENDAR_OF: Record<CalendarMarket, ExchangeCalendar> = { nyse: XNYS_CALENDAR, krx: XKRX_CALENDAR };

/**
 * What a KRX override does: the KR slot table, the KR entry gate, the KRX open queue and the KIS
 * adapter's own session check read it (cached, within a minute). The KR paper book prices on the
 * rule hours, so the note says so rather than promise more.
 */
export const KRX_OVERRIDE_NOTE = 'applied within a minute by the KR schedule, the KR entry gate, the KRX open queue and the KIS broker (the KR paper book keeps the rule hours)';

/** Who the audit chain and `calendar_overrides.created_by` name for a change made here. */
export const CALENDAR_CLI_ACTOR = 'cli';

const USAGE = `courtside calendar --year YYYY [--market nyse|krx] [--json]
       courtside calendar close --market nyse|krx YYYY-MM-DD --reason "…"
       courtside calendar late-open --market nyse|krx YYYY-MM-DD --at HH:MM --reason "…"
       courtside calendar overrides [--market nyse|krx] [--json]

Prints one year (${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR}) of an exchange calendar: every session with
open/close times (ISO 8601 with offset), the holidays and the special hours.
  nyse  NYSE/Nasdaq in ${NY_TIME_ZONE}: early (13:00) closes
  krx   Korea Exchange in ${krx.KRX_TIME_ZONE}: late opens (first session of the
        year, CSAT days), late closes (CSAT days), the lunch break until 2000-05-19

With DATABASE_URL set, the run-time overrides in Postgres are applied (a closed
day is listed as a special holiday named by its reason); without it, the rule
calendar only. The text output says which.

Run-time overrides (Postgres, audited as actor "cli"). NYSE overrides: the
scheduler and the entry gate honour them within a minute, no restart. KRX
overrides are ${KRX_OVERRIDE_NOTE}.
  close      the exchange does not open on DATE, a session by the rules
  late-open  the exchange opens at --at (local HH:MM, after the scheduled open
             and before the close) on DATE
  overrides  lists them
One override per market and day.

Options:
  --year YYYY      calendar year, ${CALENDAR_FIRST_YEAR}–${CALENDAR_LAST_YEAR} (required to print a year)
  --market MARKET  ${CALENDAR_MARKETS.join(' or ')} (default nyse; required by close and late-open)
  --reason TEXT    why the day differs (required by close and late-open)
  --at HH:MM       the late open, exchange-local 24-hour time
  --json           print JSON instead of text`;

/** One session line of the JSON output. */
export interface CalendarSessionJson {
  date: string;
  open: string;
  close: string;
  earlyClose: boolean;
  lateOpen: boolean;
  /** Closes after the regular close (KRX CSAT days); always false on NYSE. */
  lateClose: boolean;
}

/** One KRX session line of the JSON output: the NYSE shape plus the break. */
export interface KrxCalendarSessionJson extends CalendarSessionJson {
  /** The midday break (ISO with +09:00), only until 2000-05-19; else null. */
  break: { start: string; end: string } | null;
}

/** The `--market krx --json` document (NYSE keys; `earlyCloses` is always empty). */
export interface KrxCalendarJson {
  year: number;
  timeZone: string;
  sessionCount: number;
  sessions: KrxCalendarSessionJson[];
  holidays: MarketHoliday[];
  earlyCloses: EarlyClose[];
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

function parseMarket(value: string | undefined): CalendarMarket {
  if (value === undefined) return 'nyse';
  const market = CALENDAR_MARKETS.find((m) => m === value.toLowerCase());
  if (market === undefined) {
    throw new UsageError(`Unknown --market ${JSON.stringify(value)}: choose one of ${CALENDAR_MARKETS.join(', ')}`);
  }
  return market;
}

/** The sub-commands after `calendar`; none prints a year. */
const ACTIONS = ['close', 'late-open', 'overrides'] as const;
type Action = (typeof ACTIONS)[number];

interface ParsedArgs {
  action: Action | null;
  positionals: string[];
  values: { year?: string; json?: boolean; market?: string; reason?: string; at?: string };
}

function parse(args: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        year: { type: 'string' },
        json: { type: 'boolean' },
        market: { type: 'string' },
        reason: { type: 'string' },
        at: { type: 'string' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const [first, ...rest] = parsed.positionals;
  const action = ACTIONS.find((a) => a === first) ?? null;
  if (first !== undefined && action === null) {
    throw new UsageError(`Unexpected positional argument ${JSON.stringify(first)}: the sub-commands are ${ACTIONS.join(', ')}; a year is printed with --year YYYY alone`);
  }
  return { action, positionals: rest, values: parsed.values };
}

/** Refuses options the sub-command does not take (a --reason on a year listing is a mistake, not noise). */
function only(p: ParsedArgs, what: string, allowed: readonly (keyof ParsedArgs['values'])[]): void {
  for (const k of Object.keys(p.values) as (keyof ParsedArgs['values'])[]) {
    if (!allowed.includes(k)) throw new UsageError(`--${k} does not apply to ${what}`);
  }
}

function parseYear(p: ParsedArgs): { year: number; json: boolean; market: CalendarMarket } {
  only(p, 'printing a year', ['year', 'json', 'market']);
  const { values } = p;
  const market = parseMarket(values.market);
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
  return { year, json: values.json === true, market };
}

/** The override `close` or `late-open` asks for, checked for form (the rules are checked next). */
function parseOverride(p: ParsedArgs, action: 'close' | 'late-open'): { market: CalendarMarket; override: CalendarOverride; json: boolean } {
  only(p, `calendar ${action}`, action === 'close' ? ['market', 'reason', 'json'] : ['market', 'reason', 'at', 'json']);
  const { values } = p;
  if (values.market === undefined) throw new UsageError(`calendar ${action} needs --market ${CALENDAR_MARKETS.join('|')}: say which exchange`);
  const market = parseMarket(values.market);
  if (p.positionals.length !== 1) throw new UsageError(`calendar ${action} takes one date YYYY-MM-DD, got ${p.positionals.length === 0 ? 'none' : p.positionals.map((x) => JSON.stringify(x)).join(' ')}`);
  const date = p.positionals[0]!;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`Invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  const reason = values.reason?.trim() ?? '';
  if (reason === '') throw new UsageError(`calendar ${action} needs --reason "…": say why the day differs from the rules`);
  let openTime: string | null = null;
  if (action === 'late-open') {
    if (values.at === undefined) throw new UsageError('calendar late-open needs --at HH:MM, the exchange-local open time');
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(values.at)) throw new UsageError(`Invalid --at ${JSON.stringify(values.at)}: expected HH:MM (24-hour)`);
    openTime = values.at;
  }
  return { market, override: { exchange: EXCHANGE_OF[market], date, kind: action === 'close' ? 'close' : 'late_open', openTime, reason }, json: values.json === true };
}

/** Session lines of a calendar with the NYSE keys (instants as ISO with the exchange's offset). */
function sessionJson(cal: ExchangeCalendar, date: string): CalendarSessionJson & { break: { start: number; end: number } | null } {
  const info = cal.sessionInfo(date);
  if (info === null) throw new Error(`Calendar inconsistency: ${date} listed as a session but has no hours`);
  return {
    date,
    open: cal.formatIso(info.open),
    close: cal.formatIso(info.close),
    earlyClose: info.earlyClose,
    lateOpen: info.lateOpen,
    lateClose: info.lateClose,
    break: info.break,
  };
}

/**
 * Builds the JSON document for `year` (exported for tests and reuse), with the
 * run-time `overrides` applied (none: the rule calendar).
 */
export function calendarJson(year: number, overrides: readonly CalendarOverride[] = []): CalendarJson {
  const cal = withOverrides(XNYS_CALENDAR, overrides);
  const sessions = cal.sessionsOf(year).map((date): CalendarSessionJson => {
    const { break: _none, ...s } = sessionJson(cal, date);
    return s;
  });
  return {
    year,
    timeZone: NY_TIME_ZONE,
    sessionCount: sessions.length,
    sessions,
    holidays: cal.holidaysOf(year).map((h) => ({ ...h })),
    // An early close on a day closed by an override is no early close any more.
    earlyCloses: earlyClosesOf(year)
      .filter((e) => cal.isSession(e.date))
      .map((e) => ({ ...e })),
  };
}

/** Builds the KRX JSON document for `year` (exported for tests and reuse), with the run-time `overrides` applied. */
export function krxCalendarJson(year: number, overrides: readonly CalendarOverride[] = []): KrxCalendarJson {
  const cal = withOverrides(XKRX_CALENDAR, overrides);
  const sessions = cal.sessionsOf(year).map((date): KrxCalendarSessionJson => {
    const s = sessionJson(cal, date);
    return { ...s, break: s.break === null ? null : { start: cal.formatIso(s.break.start), end: cal.formatIso(s.break.end) } };
  });
  return {
    year,
    timeZone: krx.KRX_TIME_ZONE,
    sessionCount: sessions.length,
    sessions,
    holidays: cal.holidaysOf(year).map((h) => ({ ...h })),
    earlyCloses: [],
  };
}

/** `HH:MM` of an ISO local time. */
const hhmm = (iso: string): string => iso.slice(11, 16);

/** Where the printed calendar came from: the rules alone, or the rules and the overrides read from Postgres. */
interface CalendarSource {
  /** One line for the text output. */
  line: string;
  /** The year's overrides applied (null: none were read). */
  applied: readonly StoredCalendarOverride[] | null;
}

function sourceLines(source: CalendarSource): string[] {
  const lines = [source.line];
  if (source.applied !== null && source.applied.length > 0) {
    lines.push('');
    lines.push(`Run-time overrides (${source.applied.length}):`);
    for (const o of source.applied) lines.push(`  ${overrideLine(o)}`);
  }
  return lines;
}

function renderKrxText(doc: KrxCalendarJson, source: CalendarSource): string {
  const lines: string[] = [];
  lines.push(`KRX calendar ${doc.year} (${doc.timeZone})`);
  lines.push(...sourceLines(source));
  lines.push('');
  lines.push(`Holidays (${doc.holidays.length}):`);
  for (const h of doc.holidays) {
    lines.push(`  ${h.date} ${weekdayName(h.date)}  ${h.name}${h.kind === 'special' ? '  [special closure]' : ''}`);
  }
  const notesOf = (s: KrxCalendarSessionJson): string =>
    [
      s.lateOpen ? 'late open' : '',
      s.lateClose ? 'late close' : '',
      s.break ? `break ${hhmm(s.break.start)}–${hhmm(s.break.end)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
  const special = doc.sessions.filter((s) => s.lateOpen || s.lateClose);
  lines.push('');
  lines.push(`Late opens and closes (${special.length}):`);
  for (const s of special) {
    lines.push(`  ${s.date} ${weekdayName(s.date)}  ${hhmm(s.open)}–${hhmm(s.close)}  ${notesOf(s)}`);
  }
  lines.push('');
  lines.push(`Sessions (${doc.sessionCount}):`);
  for (const s of doc.sessions) {
    const notes = notesOf(s);
    lines.push(`  ${s.date} ${weekdayName(s.date)}  ${s.open}  ${s.close}${notes ? `  (${notes})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

function renderText(doc: CalendarJson, source: CalendarSource): string {
  const lines: string[] = [];
  lines.push(`NYSE/Nasdaq calendar ${doc.year} (${doc.timeZone})`);
  lines.push(...sourceLines(source));
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

/** One override as a line: date, weekday, exchange, what, reason, who and when. */
function overrideLine(o: StoredCalendarOverride): string {
  const what = o.kind === 'close' ? 'closed' : `late open ${o.openTime ?? '?'}`;
  return `${o.date} ${weekdayName(o.date)}  ${o.exchange}  ${what}  "${o.reason}"  (by ${o.createdBy}, ${o.createdAt.toISOString()})`;
}

/** A database session for one command: the overrides store and audit chain on it, closed afterwards. */
async function withDatabase<T>(url: string, io: CliIO, fn: (uow: TypeOrmUnitOfWork) => Promise<T>): Promise<T | 1> {
  const ds = createDataSource(url, { poolSize: 2, applicationName: 'courtside-calendar' });
  await ds.initialize();
  try {
    if (!(await tableExists(ds, 'calendar_overrides'))) {
      io.stderr('The database has no calendar_overrides table yet: run `courtside migrate`.\n');
      return 1;
    }
    return await fn(new TypeOrmUnitOfWork(ds));
  } finally {
    await ds.destroy();
  }
}

/** The year's overrides of `exchange` when DATABASE_URL is set; else why the rules alone are printed. */
async function overridesForYear(exchange: ExchangeId, year: number, io: CliIO): Promise<CalendarSource> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url.trim() === '') {
    return { line: 'Source: the exchange rules only (DATABASE_URL is not set, so run-time overrides were not read)', applied: null };
  }
  try {
    const read = await withDatabase(url, io, async (uow) => (await new CalendarOverrideStore(uow).list(exchange)).filter((o) => o.date.startsWith(`${year}-`)));
    if (read === 1) return { line: 'Source: the exchange rules only (the database has no calendar_overrides table: run `courtside migrate`)', applied: null };
    return { line: `Source: the exchange rules with the run-time overrides in Postgres (${read.length} in ${year})`, applied: read };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    io.stderr(`Calendar overrides not read (${why}): printing the rule calendar.\n`);
    return { line: `Source: the exchange rules only (the overrides could not be read: ${why})`, applied: null };
  }
}

async function printYear(p: ParsedArgs, io: CliIO): Promise<number> {
  const { year, json, market } = parseYear(p);
  const source = await overridesForYear(EXCHANGE_OF[market], year, io);
  const overrides = source.applied ?? [];
  if (market === 'krx') {
    const doc = krxCalendarJson(year, overrides);
    io.stdout(json ? `${JSON.stringify(doc, null, 2)}\n` : renderKrxText(doc, source));
    return 0;
  }
  const doc = calendarJson(year, overrides);
  io.stdout(json ? `${JSON.stringify(doc, null, 2)}\n` : renderText(doc, source));
  return 0;
}

/** The JSON of a stored override. */
function overrideJson(o: StoredCalendarOverride): Record<string, unknown> {
  return { id: o.id, exchange: o.exchange, date: o.date, kind: o.kind, openTime: o.openTime, reason: o.reason, createdBy: o.createdBy, createdAt: o.createdAt.toISOString() };
}

async function addOverride(p: ParsedArgs, action: 'close' | 'late-open', io: CliIO): Promise<number> {
  const { market, override, json } = parseOverride(p, action);
  // Checked against the rules before any connection: a wrong date needs no database to be told.
  const problem = overrideProblem(CALENDAR_OF[market], override);
  if (problem !== null) {
    io.stderr(`Refused: ${override.exchange} ${override.date}: ${problem}.\n`);
    return 1;
  }
  const out = await withDatabase(loadConfig().db.url, io, async (uow) => {
    try {
      return await addCalendarOverride({ db: uow, audit: new AuditLog(uow) }, override, CALENDAR_CLI_ACTOR);
    } catch (err) {
      if (err instanceof CalendarOverrideRefused) {
        io.stderr(`Refused: ${err.message}.\n`);
        return 1 as const;
      }
      throw err;
    }
  });
  if (out === 1) return 1;
  io.stdout(
    json
      ? `${JSON.stringify(overrideJson(out), null, 2)}\n`
      : `Recorded: ${out.exchange} ${out.date} ${describeOverride(out)} (override #${out.id}, audited). ${market === 'krx' ? `It is ${KRX_OVERRIDE_NOTE}.` : 'The scheduler and the entry gate apply it within a minute.'}\n`,
  );
  return 0;
}

async function listOverrides(p: ParsedArgs, io: CliIO): Promise<number> {
  only(p, 'calendar overrides', ['market', 'json']);
  if (p.positionals.length > 0) throw new UsageError(`calendar overrides takes no arguments, got ${p.positionals.map((x) => JSON.stringify(x)).join(' ')}`);
  const exchange = p.values.market === undefined ? undefined : EXCHANGE_OF[parseMarket(p.values.market)];
  const rows = await withDatabase(loadConfig().db.url, io, (uow) => new CalendarOverrideStore(uow).list(exchange));
  if (rows === 1) return 1;
  if (p.values.json === true) {
    io.stdout(`${JSON.stringify({ overrides: rows.map(overrideJson) }, null, 2)}\n`);
  } else if (rows.length === 0) {
    io.stdout(`No calendar overrides${exchange ? ` for ${exchange}` : ''}: every day follows the exchange rules.\n`);
  } else {
    io.stdout(`Calendar overrides (${rows.length}):\n${rows.map((o) => `  ${overrideLine(o)}`).join('\n')}\n`);
  }
  return 0;
}

/** The `calendar` sub-command. */
export const calendarCommand: CliCommand = {
  name: 'calendar',
  summary: 'Print a year of sessions and special hours (NYSE/Nasdaq or KRX); close|late-open|overrides: run-time changes',
  usage: USAGE,
  async run(args: string[], io: CliIO): Promise<number> {
    const p = parse(args);
    switch (p.action) {
      case null:
        return printYear(p, io);
      case 'close':
      case 'late-open':
        return addOverride(p, p.action, io);
      case 'overrides':
        return listOverrides(p, io);
    }
  },
};

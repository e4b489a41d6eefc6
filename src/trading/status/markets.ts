import { z } from 'zod';
import type { BrokerAccount } from '../../adapters/brokers/port.js';
import type { SqlSession } from '../../adapters/db/port.js';
import { withOverrides } from '../../engine/calendar/overrides.js';
import { marketDescriptor, type Market } from '../../engine/market/markets.js';
import { marketCalendar } from '../../engine/market/session-day.js';
import { lastClosedSession, sessionNow, type SessionNow } from '../../engine/market/session-now.js';
import { errText } from '../../lib/errors.js';
import { pgInt, pgText } from '../../lib/sql-columns.js';
import { parseRows } from '../../lib/sql-rows.js';
import { withTimeout } from '../../lib/timeout.js';
import { sharedCalendarOverrides, type CalendarOverridesPort } from '../calendar/overrides-source.js';
import type { DataCheckOverrides } from '../data-check/market-calendar.js';
import { readBrokerAccountStatus, type BrokerAccountStatus } from './broker-account.js';

/** One market's broker as /status reads it. */
export interface MarketBrokerSource {
  /** The configured name (BROKER / BROKER_KR): `paper`, `alpaca-paper`, `kis-virtual`, … */
  name: string;
  /**
   * The account read (within the status timeout), in the market's currency. Absent = not read here:
   * the simulated paper books keep no account to reach, and the US account has its own line (the
   * caller passes that line's answer on, see {@link withAccount}).
   */
  account?: { read(): Promise<Pick<BrokerAccount, 'cash' | 'equity' | 'flags'>>; scrub?: (text: string) => string };
  /** KIS: the shared access token's expiry (epoch ms), null when none is stored yet. Absent for other brokers. */
  tokenExpiry?: () => Promise<number | null>;
  /** KIS: the last good and the last failed call of its app key, as every process recorded them. Absent for other brokers. */
  calls?: () => Promise<BrokerCalls>;
}

/** One recorded broker call: when (epoch ms) and to which kind of endpoint (`order`, `balance`, `token`, …). */
export interface BrokerCallMark {
  at: number;
  endpoint: string;
}

/** A failed broker call: the mark and the failure's kind (`timeout`, `server_error`, `auth`, `refused`, …), with the HTTP status and the broker's code when it answered. */
export interface BrokerCallFailure extends BrokerCallMark {
  error: string;
  status?: number;
  msgCd?: string;
}

/** The last good and the last failed call to a broker (null: none recorded). Shared across processes by the adapter. */
export interface BrokerCalls {
  lastGood: BrokerCallMark | null;
  lastFailure: BrokerCallFailure | null;
  /**
   * The last good call to the failed call's endpoint kind, absent when none
   * is recorded. The failure is current when it is newer than this one, even
   * when a call to another endpoint went through since (an order POST fails,
   * the look-up after it answers).
   */
  lastGoodOfFailedEndpoint?: BrokerCallMark;
}

/** What {@link collectMarketsStatus} reads for one market. */
export interface MarketStatusSource {
  market: Market;
  broker: MarketBrokerSource;
}

/** What {@link collectMarketsStatus} reads. */
export interface MarketsStatusSources {
  /** Postgres: `bar_symbols` (the stored bars) and, by default, the calendar overrides. */
  db: SqlSession;
  markets: readonly MarketStatusSource[];
  /** The run-time calendar overrides; default the process's shared cached reader over `db`. */
  calendarOverrides?: CalendarOverridesPort;
  /** Epoch ms now (tests pass a fixed clock). */
  now?: () => number;
}

/** One market's broker as /status shows it. */
export interface MarketBrokerStatus {
  name: string;
  /** Absent when the account is not read for this market (see {@link MarketBrokerSource.account}). */
  account?: BrokerAccountStatus;
  /** Cash and equity in the market's currency, when the account was read. */
  amounts?: { cash: number; equity: number };
  /** KIS only: the shared token's expiry (null: no token stored yet), or why it could not be read. */
  token?: { expiresAt: number | null } | { error: string };
  /** KIS only: the last good and the last failed call, or why they could not be read. */
  calls?: BrokerCalls | { error: string };
}

/** The stored daily bars of one market against the last closed session of its exchange. */
export interface MarketDataHealth {
  symbols: number;
  /** How many of them are DEMO (generated) data. */
  demoSymbols: number;
  /** The newest bar date of any symbol; null when none is stored. */
  newest: string | null;
  /** The latest session whose close has passed; null outside the calendar's years. */
  lastClosed: string | null;
  /** Bars are stored and the newest is older than the last closed session. */
  stale: boolean;
}

/** One market's part of /status. */
export interface MarketStatus {
  market: Market;
  /** Epoch ms the session and the data were judged at (the view says "in 3h" from it). */
  at: number;
  exchange: 'NYSE' | 'KRX';
  session: SessionNow;
  /** How the run-time overrides were used (unreadable: the session is the rule calendar's). */
  overrides: DataCheckOverrides;
  broker: MarketBrokerStatus;
  data: MarketDataHealth | { error: string };
}

/** The fewest ms left for the token and call-record reads after the account read took its time (Redis reads). */
const MIN_TOKEN_MS = 100;

/**
 * Each market's session, broker and data, for /status. Never throws and never
 * waits much past `timeoutMs`: a part that cannot be read says why instead.
 */
export async function collectMarketsStatus(src: MarketsStatusSources, timeoutMs: number): Promise<MarketStatus[]> {
  const now = src.now?.() ?? Date.now();
  const port = src.calendarOverrides ?? sharedCalendarOverrides(src.db);
  return Promise.all(
    src.markets.map(async (m): Promise<MarketStatus> => {
      const [cal, broker] = await Promise.all([calendarOf(m.market, port, timeoutMs), readBroker(m.broker, timeoutMs)]);
      const data = await withTimeout(readData(src.db, m.market), timeoutMs, `${m.market} bars read`)
        .then((d) => health(d, lastClosedSession(cal.calendar, now)))
        .catch((err: unknown) => ({ error: errText(err) }));
      return { market: m.market, at: now, exchange: marketDescriptor(m.market).exchange, session: sessionNow(cal.calendar, now), overrides: cal.overrides, broker, data };
    }),
  );
}

/** The market's calendar with its run-time overrides applied; the rule calendar when they cannot be read in time. */
async function calendarOf(market: Market, port: CalendarOverridesPort, timeoutMs: number) {
  const rules = marketCalendar(market);
  try {
    const rows = await withTimeout(port.forExchange(rules.id), timeoutMs, 'calendar overrides read');
    return { calendar: withOverrides(rules, rows), overrides: { state: 'applied', count: rows.length } as DataCheckOverrides };
  } catch (err) {
    return { calendar: rules, overrides: { state: 'unreadable', error: errText(err) } as DataCheckOverrides };
  }
}

/**
 * The account (within `timeoutMs`), then the token and the call record: read
 * after the account so that a token the account read had to ask for, and the
 * account read's own call, are the ones shown. They get what is left of
 * `timeoutMs` (at least {@link MIN_TOKEN_MS}).
 */
async function readBroker(b: MarketBrokerSource, timeoutMs: number): Promise<MarketBrokerStatus> {
  const out: MarketBrokerStatus = { name: b.name };
  const t0 = performance.now();
  if (b.account) {
    const read = b.account.read.bind(b.account);
    let amounts: { cash: number; equity: number } | undefined;
    out.account = await readBrokerAccountStatus(
      {
        name: b.name,
        account: async () => {
          const a = await read();
          amounts = { cash: a.cash, equity: a.equity };
          return a;
        },
        ...(b.account.scrub ? { scrub: b.account.scrub } : {}),
      },
      timeoutMs,
    );
    // Only amounts of a read that counted: one that landed after the timeout is not shown.
    if (out.account.readable && amounts) out.amounts = amounts;
  }
  const left = Math.max(MIN_TOKEN_MS, Math.round(timeoutMs - (performance.now() - t0)));
  // Both Redis reads share what is left of the time; a thunk, so a source that throws at once (a
  // connection that cannot be built) is reported like a failed read.
  const [token, calls] = await Promise.all([
    b.tokenExpiry ? timed(b.tokenExpiry, left, `${b.name} token read`).then((r) => ('error' in r ? r : { expiresAt: r.value })) : undefined,
    b.calls ? timed(b.calls, left, `${b.name} call record read`).then((r) => ('error' in r ? r : r.value)) : undefined,
  ]);
  if (token !== undefined) out.token = token;
  if (calls !== undefined) out.calls = calls;
  return out;
}

/** `read()` within `ms`: its value, or why not. */
function timed<T>(read: () => Promise<T>, ms: number, what: string): Promise<{ value: T } | { error: string }> {
  return withTimeout(
    Promise.resolve().then(() => read()),
    ms,
    what,
  ).then(
    (value) => ({ value }),
    (err: unknown) => ({ error: errText(err) }),
  );
}

/** The aggregate of one market's `bar_symbols` rows (counts as int; the newest date as ISO text, null when none). */
const BarsRow = z.object({ symbols: pgInt, demo: pgInt, newest: pgText.nullable() });
type BarsRow = z.output<typeof BarsRow>;

const BARS_SQL = `SELECT count(*)::int AS symbols, count(*) FILTER (WHERE demo)::int AS demo, max(last_date)::text AS newest
  FROM bar_symbols WHERE market = $1`;

/** The market's stored symbols, how many are DEMO, and the newest bar date among them. */
async function readData(db: SqlSession, market: Market): Promise<BarsRow> {
  const [row] = parseRows(BarsRow, await db.rows(BARS_SQL, [market]), BARS_SQL);
  return row ?? { symbols: 0, demo: 0, newest: null };
}

function health(r: BarsRow, lastClosed: string | null): MarketDataHealth {
  return { symbols: r.symbols, demoSymbols: r.demo, newest: r.newest, lastClosed, stale: r.newest !== null && lastClosed !== null && r.newest < lastClosed };
}

/**
 * The markets with the US account line's answer as the US broker's account
 * (read once, shown in both places), when the US broker is the one it read.
 */
export function withAccount(markets: MarketStatus[], market: Market, account: BrokerAccountStatus | undefined): MarketStatus[] {
  if (account === undefined) return markets;
  return markets.map((m) => (m.market === market && m.broker.account === undefined && m.broker.name === account.broker ? { ...m, broker: { ...m.broker, account } } : m));
}

import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgInt, pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { isSession, nextSession, nyLocalParts, previousSession } from '../../engine/calendar/index.js';
import { loadOpenPositions } from '../portfolio/positions.js';
import type { Market } from '../../engine/market/markets.js';
import { marketCalendar, marketDayOf } from '../../engine/market/session-day.js';
import { lastClosedSession } from '../../engine/market/session-now.js';
import { lastCompletedSession } from '../market-clock.js';
import type { KillSwitchState } from '../kill-switch/kill-switch.js';
import { readAuditHead } from '../audit/head.js';
import { currentPins, type RolePin } from '../status/config-pin.js';
import { sortFailures, sortFills, sortPositions } from './compute.js';
import { loadHypothesesDigest } from './hypotheses.js';
import {
  hasDemoData,
  loadBenchmark,
  loadBudget,
  loadEquityCurve,
  loadFailures,
  loadFillsOfDay,
  loadFreshness,
  loadOpenAlerts,
  loadOpenApprovals,
  loadPendingPicks,
  loadPnl,
  loadPositions,
} from './queries.js';
import { closesFromBars } from '../risk/closes-source.js';
import { loadOpenPositions as loadRiskPositions } from '../risk/open-positions.js';
import type { RiskSettings } from '../risk/settings.js';
import { computeBookVar, valuePosition } from '../risk/var-book.js';
import type { BenchmarkLine, CloseDigestData, DigestKillSwitch, DigestValueAtRisk, ClosePnl, MorningDigestData, NoSessionDigestData, ScheduledScan } from './types.js';

/** What building a digest reads: the database and the kill switch. */
export interface DigestDeps {
  db: SqlSession;
  killSwitch: { state(): Promise<KillSwitchState> };
  /** Hears, at debug, what a digest went on without (the configuration pins). */
  log?: { debug?(obj: object, msg: string): void };
}

export interface MorningDigestOptions {
  now: Date;
  /** Whose book (default US). KR: KR picks, positions, marks and budget, in won, on Seoul dates of KRX sessions. */
  market?: Market;
  /** The scans the scheduler runs today. */
  scheduledScans?: readonly ScheduledScan[];
  /** The market's configured daily budget (EXEC_DAILY_BUDGET, EXEC_DAILY_BUDGET_KR in won); null when none. */
  dailyBudget: number | null;
  /** Market-local date the digest is for (New York for US, Seoul for KR); default the date of `now` there. */
  sessionDate?: string;
}

export interface CloseDigestOptions {
  now: Date;
  /** Whose book (default US). KR: the KR book of the Seoul session day, without benchmark, VaR or hypotheses. */
  market?: Market;
  sessionDate?: string;
  /** Default SPY (US only: KR has no benchmark). */
  benchmarkSymbol?: string;
  /** Equity marks in the chart; default 120. */
  curveSessions?: number;
  /** The VAR_* settings: with them the digest carries the book's 99 % one-day VaR line; without, none. */
  risk?: Pick<RiskSettings, 'varLookback' | 'varPaths' | 'varSeed'>;
}

export const DEFAULT_BENCHMARK = 'SPY';

/** The market-local calendar date of an instant: New York for US (the default), Seoul for KR. */
export function sessionDateOf(now: Date, market: Market = 'US'): string {
  return market === 'US' ? nyLocalParts(now.getTime()).date : marketDayOf(market, now.getTime());
}

/** `market: 'KR'` for a KR digest; nothing for US, whose digests keep the shape they had before markets. */
function marketField(market: Market): { market?: Market } {
  return market === 'US' ? {} : { market };
}

/** The market's last session whose close has passed: the newest bar its data sources should hold. */
function lastCompleted(now: Date, market: Market): string {
  if (market === 'US') return lastCompletedSession(now.getTime());
  const calendar = marketCalendar(market);
  return lastClosedSession(calendar, now.getTime()) ?? calendar.dateOf(now.getTime());
}

function killSwitchOf(s: KillSwitchState): DigestKillSwitch {
  return { engaged: s.engaged, reason: s.reason, changedBy: s.changedBy, changedAt: s.changedAt };
}

/** The roles' configuration pins; a digest never fails for want of them (an unmigrated or older database), and says so at debug. */
function pinsOrNone(deps: DigestDeps): Promise<RolePin[]> {
  return currentPins(deps.db).catch((err: unknown): RolePin[] => {
    deps.log?.debug?.({ err }, 'configuration pins unreadable; the digest goes out without its config line');
    return [];
  });
}

function marketOpenOn(date: string, market: Market = 'US'): boolean {
  try {
    return market === 'US' ? isSession(date) : marketCalendar(market).isSession(date);
  } catch {
    return true; // outside the calendar's years: do not claim a closure we cannot know
  }
}

/** Gathers the morning digest: kill switch, approvals waiting, positions, budget, scans, data freshness. */
export async function buildMorningDigest(deps: DigestDeps, opts: MorningDigestOptions): Promise<MorningDigestData> {
  const { db } = deps;
  const now = opts.now;
  const market = opts.market ?? 'US';
  const sessionDate = opts.sessionDate ?? sessionDateOf(now, market);
  const expected = lastCompleted(now, market);
  const [ks, demo, positions, pendingPicks, openApprovals, budget, sources, openAlerts, auditHead, configPins] = await Promise.all([
    deps.killSwitch.state(),
    hasDemoData(db, market),
    loadPositions(db, sessionDate, market),
    loadPendingPicks(db, now, market),
    loadOpenApprovals(db, now, market),
    loadBudget(db, sessionDate, opts.dailyBudget, market),
    loadFreshness(db, expected, market),
    loadOpenAlerts(db),
    readAuditHead(db),
    pinsOrNone(deps),
  ]);
  return {
    kind: 'morning',
    ...marketField(market),
    generatedAt: now,
    sessionDate,
    marketOpenToday: marketOpenOn(sessionDate, market),
    demo,
    killSwitch: killSwitchOf(ks),
    positions: sortPositions(positions),
    pendingPicks,
    openApprovals,
    budget,
    scans: [...(opts.scheduledScans ?? [])].sort((a, b) => a.at.getTime() - b.at.getTime()),
    freshness: { expected, sources },
    openAlerts,
    auditHead,
    configPins,
  };
}

/** Gathers the close digest: day P&L vs the benchmark, failures, exits, fills and slippage, and the equity curve. */
export async function buildCloseDigest(deps: DigestDeps, opts: CloseDigestOptions): Promise<CloseDigestData> {
  const { db } = deps;
  const now = opts.now;
  const market = opts.market ?? 'US';
  const us = market === 'US';
  const sessionDate = opts.sessionDate ?? sessionDateOf(now, market);
  // KR has no benchmark: no real KRX index series is stored (KR equity marks carry none either).
  const symbol = us ? (opts.benchmarkSymbol ?? DEFAULT_BENCHMARK) : '';
  const [ks, demo, { fills, exits }, failures, benchmark, curve, auditHead, hypotheses, configPins] = await Promise.all([
    deps.killSwitch.state(),
    hasDemoData(db, market),
    loadFillsOfDay(db, sessionDate, market),
    loadFailures(db, sessionDate, market),
    us ? loadBenchmark(db, sessionDate, symbol) : Promise.resolve(NO_BENCHMARK),
    loadEquityCurve(db, sessionDate, symbol, opts.curveSessions ?? 120, market),
    readAuditHead(db),
    // The US digest carries the US hypotheses only (loadHypothesesDigest filters by market: KR shadow
    // books are in won). KR hypotheses run their own daily session (SCHEDULE_HYPOTHESES_KR), but the KR
    // close digest has no hypotheses section yet: /hypotheses shows them.
    us ? loadHypothesesDigest(db, sessionDate) : Promise.resolve(null),
    pinsOrNone(deps),
  ]);
  const pnl = await loadPnl(db, sessionDate, market);
  // The bootstrap VaR is in dollars over US bars: a KR line would mix currencies.
  const valueAtRisk = us && opts.risk ? await closeValueAtRisk(db, opts.risk, sessionDate, pnl) : undefined;
  return {
    kind: 'close',
    ...marketField(market),
    generatedAt: now,
    sessionDate,
    demo,
    killSwitch: killSwitchOf(ks),
    pnl,
    benchmark,
    fills: sortFills(fills),
    slippageTotal: fills.reduce((s, f) => s + (f.slippageCost ?? 0), 0),
    exits,
    failures: sortFailures(failures),
    curve,
    auditHead,
    configPins,
    ...(hypotheses ? { hypotheses } : {}),
    ...(valueAtRisk ? { valueAtRisk } : {}),
  };
}

/** The open book's 99 % VaR as of the session (the bootstrap /risk runs), as a share of the day's equity mark. */
async function closeValueAtRisk(db: SqlSession, risk: NonNullable<CloseDigestOptions['risk']>, sessionDate: string, pnl: ClosePnl): Promise<DigestValueAtRisk> {
  const positions = (await loadRiskPositions(db)).map(valuePosition);
  const v = await computeBookVar(
    closesFromBars(db),
    risk,
    positions.map((p) => ({ symbol: p.symbol, value: p.value })),
    sessionDate,
  );
  return { var99: v.p99.var, equity: pnl.equity ?? pnl.prevEquity, paths: v.paths, seed: v.seed, days: v.days, missing: v.missing.map((m) => m.symbol) };
}

/**
 * The close digest for a day, or, on a day without a session (a weekend, a
 * holiday), what there is instead: no close will come, so there is no day
 * P&L to wait for. The last and next session are named and the open
 * positions are valued as /positions values them (the same use case), so the
 * two never disagree.
 */
export async function buildCloseDigestForDay(deps: DigestDeps, opts: CloseDigestOptions): Promise<CloseDigestData | NoSessionDigestData> {
  const market = opts.market ?? 'US';
  const date = opts.sessionDate ?? sessionDateOf(opts.now, market);
  if (marketOpenOn(date, market)) return buildCloseDigest(deps, { ...opts, sessionDate: date });
  return buildNoSessionDigest(deps, opts.now, date, market);
}

/** A market without a benchmark (KR). */
const NO_BENCHMARK: BenchmarkLine = { symbol: '', close: null, prevClose: null, ret: null, source: null };

const LatestEquityRow = z.object({ date: pgText, equity: pgInt });

/** `/digest close` on `date`, a day without a session of `market` (default US). */
export async function buildNoSessionDigest(deps: DigestDeps, now: Date, date: string, market: Market = 'US'): Promise<NoSessionDigestData> {
  const { db } = deps;
  const [ks, demo, positions, equity, auditHead, configPins] = await Promise.all([
    deps.killSwitch.state(),
    hasDemoData(db, market),
    loadOpenPositions(db),
    // One market's book (its own days and currency): the other market's mark of another date is not its equity.
    rowsOf(db, LatestEquityRow, `SELECT to_char(date, 'YYYY-MM-DD') AS date, equity::float8 AS equity FROM equity_marks WHERE market = $2 AND date <= $1::date ORDER BY date DESC LIMIT 1`, [date, market]),
    readAuditHead(db),
    pinsOrNone(deps),
  ]);
  // The market's own positions and totals, exactly as /positions shows that market (won and dollars are never added).
  const own = market === 'US' ? { totals: positions.totals, positions: positions.positions.filter((p) => (p.market ?? 'US') === 'US') } : (positions.markets?.find((m) => m.market === market) ?? null);
  const t = own?.totals ?? { count: 0, unrealizedPnl: 0, unpriced: 0, marketValue: 0 };
  const calendar = marketCalendar(market);
  return {
    kind: 'no-session',
    ...marketField(market),
    generatedAt: now,
    date,
    lastSession: market === 'US' ? previousSession(date) : calendar.previousSession(date),
    nextSession: market === 'US' ? nextSession(date) : calendar.nextSession(date),
    demo,
    killSwitch: killSwitchOf(ks),
    open: {
      count: t.count,
      unrealizedPnl: t.unrealizedPnl,
      unpriced: t.unpriced,
      marketValue: t.marketValue,
      origins: (own?.positions ?? []).flatMap((p) => (p.priceOrigin ? [p.priceOrigin] : [])),
    },
    equity: equity[0] ?? null,
    auditHead,
    configPins,
  };
}

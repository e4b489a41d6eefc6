import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgInt, pgText } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { isSession, nextSession, nyLocalParts, previousSession } from '../../engine/calendar/index.js';
import { loadOpenPositions } from '../portfolio/positions.js';
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
import type { CloseDigestData, DigestKillSwitch, DigestValueAtRisk, ClosePnl, MorningDigestData, NoSessionDigestData, ScheduledScan } from './types.js';

/** What building a digest reads: the database and the kill switch. */
export interface DigestDeps {
  db: SqlSession;
  killSwitch: { state(): Promise<KillSwitchState> };
  /** Hears, at debug, what a digest went on without (the configuration pins). */
  log?: { debug?(obj: object, msg: string): void };
}

export interface MorningDigestOptions {
  now: Date;
  /** The scans the scheduler runs today. */
  scheduledScans?: readonly ScheduledScan[];
  /** The configured daily budget (EXEC_DAILY_BUDGET); null when none. */
  dailyBudget: number | null;
  /** New York date the digest is for; default the date of `now`. */
  sessionDate?: string;
}

export interface CloseDigestOptions {
  now: Date;
  sessionDate?: string;
  /** Default SPY. */
  benchmarkSymbol?: string;
  /** Equity marks in the chart; default 120. */
  curveSessions?: number;
  /** The VAR_* settings: with them the digest carries the book's 99 % one-day VaR line; without, none. */
  risk?: Pick<RiskSettings, 'varLookback' | 'varPaths' | 'varSeed'>;
}

export const DEFAULT_BENCHMARK = 'SPY';

/** The New York calendar date of an instant. */
export function sessionDateOf(now: Date): string {
  return nyLocalParts(now.getTime()).date;
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

function marketOpenOn(date: string): boolean {
  try {
    return isSession(date);
  } catch {
    return true; // outside the calendar's years: do not claim a closure we cannot know
  }
}

/** Gathers the morning digest: kill switch, approvals waiting, positions, budget, scans, data freshness. */
export async function buildMorningDigest(deps: DigestDeps, opts: MorningDigestOptions): Promise<MorningDigestData> {
  const { db } = deps;
  const now = opts.now;
  const sessionDate = opts.sessionDate ?? sessionDateOf(now);
  const expected = lastCompletedSession(now.getTime());
  const [ks, demo, positions, pendingPicks, openApprovals, budget, sources, openAlerts, auditHead, configPins] = await Promise.all([
    deps.killSwitch.state(),
    hasDemoData(db),
    loadPositions(db, sessionDate),
    loadPendingPicks(db, now),
    loadOpenApprovals(db, now),
    loadBudget(db, sessionDate, opts.dailyBudget),
    loadFreshness(db, expected),
    loadOpenAlerts(db),
    readAuditHead(db),
    pinsOrNone(deps),
  ]);
  return {
    kind: 'morning',
    generatedAt: now,
    sessionDate,
    marketOpenToday: marketOpenOn(sessionDate),
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
  const sessionDate = opts.sessionDate ?? sessionDateOf(now);
  const symbol = opts.benchmarkSymbol ?? DEFAULT_BENCHMARK;
  const [ks, demo, { fills, exits }, failures, benchmark, curve, auditHead, hypotheses, configPins] = await Promise.all([
    deps.killSwitch.state(),
    hasDemoData(db),
    loadFillsOfDay(db, sessionDate),
    loadFailures(db, sessionDate),
    loadBenchmark(db, sessionDate, symbol),
    loadEquityCurve(db, sessionDate, symbol, opts.curveSessions ?? 120),
    readAuditHead(db),
    loadHypothesesDigest(db, sessionDate),
    pinsOrNone(deps),
  ]);
  const pnl = await loadPnl(db, sessionDate);
  const valueAtRisk = opts.risk ? await closeValueAtRisk(db, opts.risk, sessionDate, pnl) : undefined;
  return {
    kind: 'close',
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
  const date = opts.sessionDate ?? sessionDateOf(opts.now);
  if (marketOpenOn(date)) return buildCloseDigest(deps, { ...opts, sessionDate: date });
  return buildNoSessionDigest(deps, opts.now, date);
}

const LatestEquityRow = z.object({ date: pgText, equity: pgInt });

/** `/digest close` on `date`, a day without a session. */
export async function buildNoSessionDigest(deps: DigestDeps, now: Date, date: string): Promise<NoSessionDigestData> {
  const { db } = deps;
  const [ks, demo, positions, equity, auditHead, configPins] = await Promise.all([
    deps.killSwitch.state(),
    hasDemoData(db),
    loadOpenPositions(db),
    // The digest reports the US book (NYSE days, dollars): a KR mark of a later Seoul date is not its equity.
    rowsOf(db, LatestEquityRow, `SELECT to_char(date, 'YYYY-MM-DD') AS date, equity::float8 AS equity FROM equity_marks WHERE market = 'US' AND date <= $1::date ORDER BY date DESC LIMIT 1`, [date]),
    readAuditHead(db),
    pinsOrNone(deps),
  ]);
  const t = positions.totals;
  return {
    kind: 'no-session',
    generatedAt: now,
    date,
    lastSession: previousSession(date),
    nextSession: nextSession(date),
    demo,
    killSwitch: killSwitchOf(ks),
    open: {
      count: t.count,
      unrealizedPnl: t.unrealizedPnl,
      unpriced: t.unpriced,
      marketValue: t.marketValue,
      origins: positions.positions.flatMap((p) => (p.priceOrigin ? [p.priceOrigin] : [])),
    },
    equity: equity[0] ?? null,
    auditHead,
    configPins,
  };
}

/**
 * The close digest's hypotheses section (issue 14 item 8): the state changes
 * since the previous session's close, each with the figure that justified
 * it, and one line per PAPER / LIVE shadow book from its latest snapshot
 * (LIVE ones with their real closed trades beside it). Plain data; the bot
 * words it (src/bot/views/digest-hypotheses-view.ts).
 */
import type { SqlSession } from '../../adapters/db/port.js';
import { nyTimeToInstant, previousSession, sessionInfo } from '../../engine/calendar/index.js';
import type { Check } from '../../engine/hypotheses/checks.js';
import { HYPOTHESIS_STATES, type HypothesisState } from '../../engine/hypotheses/states.js';
import type { Market } from '../../engine/market/markets.js';
import { z } from 'zod';
import { pgBool, pgInt, pgJson, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { pgJsonObject } from '../../lib/sql-json.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { reviveFigures } from '../hypotheses/figures-json.js';

/** The figure that justified a transition, read from its stored figures. */
export type TransitionFigure =
  /** incubation_passed / incubation_failed: the out-of-sample figures, the DSR and the rules that failed (none when it passed). */
  | { kind: 'incubation'; oosTrades: number | null; sharpe: number | null; dsr: number | null; failed: Check[]; demo: boolean }
  /** paper_retired / demote: the rules that failed, with their numbers (reasons alone when no check was stored). */
  | { kind: 'review'; failed: Check[]; reasons: string[] }
  /** A person's choice (promote, retire): who. */
  | { kind: 'person'; by: string }
  /** A proposal (no figure) or figures this version cannot read. */
  | { kind: 'none' };

/** One state change of the digest's window. */
export interface DigestTransition {
  hypothesisId: string;
  family: string;
  market: string;
  /** null for a proposal (→ INCUBATING). */
  from: HypothesisState | null;
  to: HypothesisState;
  event: string;
  actor: string;
  at: Date;
  figure: TransitionFigure;
}

/** Real trades of picks a LIVE hypothesis sourced: exits booked with a realized P&L. */
export interface RealTrades {
  closedTrades: number;
  /** Σ realized P&L of those exits, in dollars. */
  realizedPnl: number;
}

/** One PAPER or LIVE hypothesis's shadow book as of its latest snapshot (null: not reviewed yet). */
export interface DigestShadowBook {
  hypothesisId: string;
  family: string;
  market: string;
  /** The hypothesis's state now. */
  state: 'PAPER' | 'LIVE';
  snapshot: {
    /** The session the snapshot was taken. */
    session: string;
    sessions: number;
    closedTrades: number;
    openTrades: number;
    /** Annualised Sharpe of the book's daily equity; null = not computable yet. */
    sharpe: number | null;
    /** Maximum drawdown, a positive fraction; null = no book yet. */
    maxDrawdown: number | null;
    /** LIVE only: the rolling 60-session Sharpe the demotion rule checks. */
    rollingSharpe: number | null;
    startEquity: number;
    /** The book's equity at the snapshot's last date (startEquity when the curve is empty). */
    endEquity: number;
    /** Synthetic (DEMO) bars. */
    demo: boolean;
  } | null;
  /** LIVE only: its real closed trades (null for PAPER). */
  real: RealTrades | null;
}

/** The section's data; `since`/`until` bound the transitions' window. */
export interface HypothesesDigest {
  /** The previous session: transitions after its close are listed. */
  since: string;
  transitions: DigestTransition[];
  books: DigestShadowBook[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : v === Infinity ? Infinity : null);

function isCheck(v: unknown): v is Check {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return typeof c.rule === 'string' && typeof c.op === 'string' && typeof c.limit === 'number' && typeof c.pass === 'boolean';
}

const failedChecks = (v: unknown): Check[] => (Array.isArray(v) ? v.filter(isCheck).filter((c) => !c.pass) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** The figure behind a transition, from the figures its writer stored (incubate.ts, session-review.ts, retire.ts, promote). */
export function transitionFigure(event: string, actor: string, raw: unknown): TransitionFigure {
  const f = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (event === 'incubation_passed' || event === 'incubation_failed') {
    const figs = (typeof f.figures === 'object' && f.figures !== null ? f.figures : {}) as Record<string, unknown>;
    return { kind: 'incubation', oosTrades: num(figs.oosTrades), sharpe: num(figs.sharpe), dsr: num(f.dsr), failed: failedChecks(f.checks), demo: f.demo === true };
  }
  if (event === 'paper_retired' || event === 'demote') {
    const failed = isCheck(f.check) ? [f.check] : failedChecks(f.checks);
    const reasons = strings(f.reasons);
    if (typeof f.reason === 'string') reasons.unshift(f.reason);
    return { kind: 'review', failed, reasons };
  }
  if (event === 'promote' || event === 'retire') return { kind: 'person', by: f.by !== undefined && f.by !== null ? String(f.by) : actor };
  return { kind: 'none' };
}

/**
 * The instants bounding a session's transitions: after the previous
 * session's close, up to this session's close (the end of the New York day
 * when `sessionDate` is not a session). Each transition so falls in exactly
 * one close digest, whenever the digest is built.
 */
export function transitionWindow(sessionDate: string): { since: string; from: Date; to: Date } {
  const since = previousSession(sessionDate);
  const prev = sessionInfo(since);
  if (!prev) throw new RangeError(`no session before ${sessionDate}`);
  const cur = sessionInfo(sessionDate);
  return { since, from: new Date(prev.close), to: new Date(cur ? cur.close : nyTimeToInstant(sessionDate, '23:59') + 59_999) };
}

const DigestTransitionRow = z.object({
  hypothesis_id: pgText,
  family: pgText,
  market: pgText,
  from_state: z.enum(HYPOTHESIS_STATES).nullable(),
  to_state: z.enum(HYPOTHESIS_STATES),
  event: pgText,
  actor: pgText,
  at: pgTimestamp,
  figures: pgJson,
});

/**
 * Transitions of `market`'s hypotheses with `from < at <= to`, oldest first. One market only:
 * a KR hypothesis's figures are in won and its sessions are KRX's, so they never sit in the
 * US digest (whose window and money are New York's and dollars).
 */
export async function loadTransitions(db: SqlSession, from: Date, to: Date, market: Market = 'US'): Promise<DigestTransition[]> {
  const rows = await rowsOf(
    db,
    DigestTransitionRow,
    `SELECT t.hypothesis_id, h.family, h.market, t.from_state, t.to_state, t.event, t.actor, t.at, t.figures
       FROM hypothesis_transitions t JOIN hypotheses h ON h.id = t.hypothesis_id
      WHERE t.at > $1 AND t.at <= $2 AND h.market = $3
      ORDER BY t.at, t.id`,
    [from, to, market],
  );
  return rows.map((r) => ({
    hypothesisId: r.hypothesis_id,
    family: r.family,
    market: r.market,
    from: r.from_state,
    to: r.to_state,
    event: r.event,
    actor: r.actor,
    at: r.at,
    figure: transitionFigure(r.event, r.actor, reviveFigures(r.figures)),
  }));
}

const RealTradesRow = z.object({ n: pgInt, pnl: pgInt });

/**
 * Real closed trades of picks that `hypothesisId` sourced (picks.pick_sources
 * names `hyp:<id>`): each booked exit with a realized P&L whose position was
 * entered last (before that exit) through such a pick. A pick with several
 * sources counts for each of them.
 */
export async function loadRealTrades(db: SqlSession, hypothesisId: string, upTo: Date): Promise<RealTrades> {
  const rows = await rowsOf(
    db,
    RealTradesRow,
    `SELECT count(*)::int AS n, COALESCE(sum(x.realized_pnl), 0)::float8 AS pnl
       FROM orders x
       CROSS JOIN LATERAL (
         SELECT p.pick_sources FROM orders e JOIN approvals a ON a.id = e.approval_id JOIN picks p ON p.id = a.pick_id
          WHERE e.kind = 'entry' AND e.symbol = x.symbol AND e.strategy = x.strategy AND e.booked_at IS NOT NULL AND e.booked_at <= x.booked_at
          ORDER BY e.booked_at DESC LIMIT 1
       ) entry
      WHERE x.kind = 'exit' AND x.booked_at IS NOT NULL AND x.booked_at <= $2 AND x.realized_pnl IS NOT NULL
        AND entry.pick_sources @> jsonb_build_array(jsonb_build_object('source', 'hyp:' || $1::text))`,
    [hypothesisId, upTo],
  );
  return { closedTrades: rows[0]?.n ?? 0, realizedPnl: rows[0]?.pnl ?? 0 };
}

/** A PAPER/LIVE hypothesis with its latest snapshot's columns (all null when it has none yet). */
const BookRow = z.object({
  id: pgText,
  family: pgText,
  market: pgText,
  state: z.enum(['PAPER', 'LIVE']),
  session: pgText.nullable(),
  sessions: pgInt.nullable(),
  start_equity: pgInt.nullable(),
  figures: pgJson,
  equity: pgJsonObject<{ dates: string[]; values: number[] }>().nullable(),
  trades: pgJsonObject<{ closed?: number; open?: number }>().nullable(),
  demo: pgBool.nullable(),
});

/**
 * Every PAPER and LIVE hypothesis of `market` with its latest snapshot on or before `sessionDate`
 * (LIVE first, then by id). One market only: a KR shadow book's equity is in won.
 */
export async function loadShadowBooks(db: SqlSession, sessionDate: string, upTo: Date, market: Market = 'US'): Promise<DigestShadowBook[]> {
  const rows = await rowsOf(
    db,
    BookRow,
    `SELECT h.id, h.family, h.market, h.state, b.session, b.sessions, b.start_equity, b.figures, b.equity, b.trades, b.demo
       FROM hypotheses h
       LEFT JOIN LATERAL (
         SELECT session::text AS session, sessions, start_equity, figures, equity, trades, demo FROM hypothesis_books
          WHERE hypothesis_id = h.id AND session <= $1::date ORDER BY session DESC LIMIT 1
       ) b ON true
      WHERE h.state IN ('PAPER', 'LIVE') AND h.market = $2
      ORDER BY h.state = 'LIVE' DESC, h.id`,
    [sessionDate, market],
  );
  const out: DigestShadowBook[] = [];
  for (const r of rows) {
    const real = r.state === 'LIVE' ? await loadRealTrades(db, r.id, upTo) : null;
    if (r.session === null || r.start_equity === null) {
      out.push({ hypothesisId: r.id, family: r.family, market: r.market, state: r.state, snapshot: null, real });
      continue;
    }
    const figures = reviveFigures(r.figures) as { paper?: Record<string, unknown>; live?: Record<string, unknown> | null } | null;
    const values = r.equity?.values ?? [];
    const last = values.length > 0 ? values[values.length - 1] : undefined;
    out.push({
      hypothesisId: r.id,
      family: r.family,
      market: r.market,
      state: r.state,
      snapshot: {
        session: r.session,
        sessions: r.sessions ?? 0,
        closedTrades: r.trades?.closed ?? 0,
        openTrades: r.trades?.open ?? 0,
        sharpe: num(figures?.paper?.sharpe),
        maxDrawdown: num(figures?.paper?.maxDrawdown),
        rollingSharpe: figures?.live ? num(figures.live.rollingSharpe) : null,
        startEquity: r.start_equity,
        endEquity: typeof last === 'number' ? last : r.start_equity,
        demo: r.demo === true,
      },
      real,
    });
  }
  return out;
}

/**
 * The section for the US close digest of `sessionDate` (a New York session): the US hypotheses
 * only, in dollars. KR hypotheses (won shadow books, KRX sessions, judged by their own
 * SCHEDULE_HYPOTHESES_KR session) are left out: their figures are not dollars and their sessions
 * are not this window's. Null when there is nothing to say (no transitions and no PAPER/LIVE book).
 */
export async function loadHypothesesDigest(db: SqlSession, sessionDate: string): Promise<HypothesesDigest | null> {
  const w = transitionWindow(sessionDate);
  const [transitions, books] = await Promise.all([loadTransitions(db, w.from, w.to, 'US'), loadShadowBooks(db, sessionDate, w.to, 'US')]);
  if (transitions.length === 0 && books.length === 0) return null;
  return { since: w.since, transitions, books };
}

import type { SqlSession } from '../../adapters/db/port.js';
import { weekMonday, weekSessions } from '../../engine/schedule/week.js';
import { errText } from '../../lib/errors.js';
import { tradeWindow } from '../portfolio/trade-date.js';
import type { DriftStatus } from '../risk/drift-status.js';
import { byCount, dailyRealized, expectationsFrom, median, outcomeGroups, postedOutcomes, slippageBps, sumCents, type ClosedTrade } from './compute.js';
import type { ReviewMarket } from './market.js';
import { hasDemoBars, loadCardCounts, loadClosedTrades, loadEntryFills, loadKillEvents, loadPostedPicks, loadSignalCounts, loadSignalsPerDay } from './queries.js';
import type { DriftPart, KillEvent, WeeklyReview } from './types.js';

/** Reads what the drift tests say as of a session (src/trading/risk/drift-status.ts behind a port, so a failure is one line of the review). */
export type DriftPort = (asOf: string) => Promise<DriftStatus>;

/** What building the review needs. */
export interface WeeklyReviewDeps {
  db: SqlSession;
  drift: DriftPort;
  log: { warn(obj: object, msg: string): void };
}

/** Which week: the one whose last session is (or holds) `sessionDate`. */
export interface WeeklyReviewRequest {
  market: ReviewMarket;
  sessionDate: string;
  now: Date;
}

/** Card outcomes that are not a new card. */
const NOT_POSTED = ['duplicate', 'top_n_cut', 'no_size'] as const;

/**
 * Builds one market's weekly review: the week is its sessions from Monday to the week's last
 * session (New York). Returns null for a week without sessions. The drift tests are read through
 * `deps.drift`; when that throws, the review still comes back, with the reason in `drift`.
 */
export async function buildWeeklyReview(deps: WeeklyReviewDeps, req: WeeklyReviewRequest): Promise<WeeklyReview | null> {
  const sessions = weekSessions(req.sessionDate);
  const last = sessions[sessions.length - 1];
  if (last === undefined) return null;
  const first = sessions[0]!;
  const window = tradeWindow(first, last);
  const { db } = deps;

  const [signalRows, perDay, cardRows, postedRows, tradeRows, fillRows, killRows, demo, drift] = await Promise.all([
    loadSignalCounts(db, sessions),
    loadSignalsPerDay(db, sessions),
    loadCardCounts(db, sessions),
    loadPostedPicks(db, sessions),
    loadClosedTrades(db, window),
    loadEntryFills(db, window),
    loadKillEvents(db, weekMonday(last), last),
    hasDemoBars(db),
    readDrift(deps, last),
  ]);

  const bySource = byCount(new Map(signalRows.map((r) => [r.source, r.n])));
  const cardBy = new Map(cardRows.map((r) => [r.outcome, r.n]));
  const posted = cardBy.get('posted') ?? 0;
  // Every non-posted outcome the journal holds is listed (an outcome added later still adds up).
  const notPostedBy = byCount(new Map(cardRows.filter((r) => r.outcome !== 'posted').map((r) => [r.outcome, r.n])));
  for (const k of NOT_POSTED) if (!notPostedBy.some((c) => c.key === k)) notPostedBy.push({ key: k, count: 0 });

  const trades: ClosedTrade[] = tradeRows.map((r) => ({
    source: r.strategy,
    pnl: r.realized_pnl,
    at: new Date(r.at).getTime(),
    qty: r.qty,
    cardEntry: r.card_entry,
    cardStop: r.card_stop,
  }));
  const groups = outcomeGroups(trades, drift.ok ? expectationsFrom(drift.status.tests) : new Map());
  const bps = slippageBps(fillRows.map((f) => ({ side: f.side, fill: f.fill, cardEntry: f.card_entry })));
  const med = median(bps);
  const kills: KillEvent[] = killRows.map((k) => ({
    action: k.action === 'killswitch.engaged' ? 'engaged' : 'resumed',
    at: new Date(k.at).toISOString(),
    by: k.by,
    reason: k.reason,
  }));

  return {
    market: req.market,
    weekStart: weekMonday(last),
    sessionDate: last,
    sessions,
    signals: { total: bySource.reduce((s, c) => s + c.count, 0), bySource },
    cards: { total: posted + notPostedBy.reduce((s, c) => s + c.count, 0), posted, notPostedBy },
    ...postedOutcomes(postedRows),
    outcomes: { groups, trades: groups.reduce((s, g) => s + g.trades, 0), realizedPnl: sumCents(groups.map((g) => g.realizedPnl)) },
    daily: dailyRealized(sessions, trades, new Map(perDay.map((d) => [d.date, d.n]))),
    slippage: { bps, medianBps: med === null ? null : Math.round(med * 100) / 100 },
    kills,
    drift,
    demo,
    builtAt: req.now.toISOString(),
  };
}

/** The drift part: its status, or why it could not be read (logged; never fatal to the review). */
async function readDrift(deps: WeeklyReviewDeps, asOf: string): Promise<DriftPart> {
  try {
    return { ok: true, status: await deps.drift(asOf) };
  } catch (err) {
    deps.log.warn({ err, asOf }, 'weekly review: the drift tests could not be read; sending the review without them');
    return { ok: false, error: errText(err) };
  }
}

import type { SqlSession } from '../../adapters/db/port.js';
import { nyLocalParts } from '../../engine/calendar/index.js';
import type { BookVar } from '../../engine/risk/var.js';
import { loadPnl } from '../portfolio/pnl.js';
import type { ClosesSource } from './closes-source.js';
import { loadOpenPositions } from './open-positions.js';
import type { RiskSettings } from './settings.js';
import { computeBookVar, valuePosition, type ValuedPosition } from './var-book.js';

/** The equity the figures are a share of: the latest the app knows, as /pnl shows it. */
export interface RiskEquity {
  value: number;
  /** The session of the mark, or of the live estimate. */
  date: string;
  /** true: computed now from the last mark, fills since then and current prices (no mark for `date` yet). */
  live: boolean;
}

/** What /risk and `courtside risk` show: the open book's one-day VaR and ES, per market (US only today). */
export interface RiskReport {
  market: 'US';
  currency: 'USD';
  generatedAt: Date;
  /** The New York date the figures are judged on: no close after it is read. */
  asOf: string;
  /** Open positions, each valued at qty × last mark (else × average cost). */
  positions: ValuedPosition[];
  /** Null when no equity was ever marked (the figures are then shown in dollars only). */
  equity: RiskEquity | null;
  var: BookVar;
  /** VAR_LIMIT_PCT: new entries whose 99 % VaR would pass this % of equity are refused. */
  limitPct: number;
}

/** What building the report reads. */
export interface RiskReportDeps {
  db: SqlSession;
  closes: ClosesSource;
  settings: RiskSettings;
}

/**
 * The latest equity the app knows: the last point of /pnl's equity curve (the day's equity mark, or
 * the live estimate from the last mark when the session has none yet). The same figure /pnl shows.
 */
export async function latestEquity(db: SqlSession, now: Date): Promise<RiskEquity | null> {
  const last = (await loadPnl(db, 'day', now)).equity.points.at(-1);
  return last ? { value: last.equity, date: last.date, live: last.live } : null;
}

/** The open book's value at risk now (/risk, `courtside risk`). */
export async function loadRiskReport(deps: RiskReportDeps, now: Date): Promise<RiskReport> {
  const asOf = nyLocalParts(now.getTime()).date;
  const [positions, equity] = await Promise.all([loadOpenPositions(deps.db).then((ps) => ps.map(valuePosition)), latestEquity(deps.db, now)]);
  const v = await computeBookVar(
    deps.closes,
    deps.settings,
    positions.map((p) => ({ symbol: p.symbol, value: p.value })),
    asOf,
  );
  return { market: 'US', currency: 'USD', generatedAt: now, asOf, positions, equity, var: v, limitPct: deps.settings.varLimitPct };
}

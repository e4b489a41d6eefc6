import type { BarSeries } from '../../engine/bars.js';
import { dataFindings, type DataFinding } from '../../engine/data-quality/index.js';
import { parseSymbol, SymbolError, type Market } from '../../engine/market/index.js';
import type { CalendarOverridesPort } from '../calendar/overrides-source.js';
import { dataCheckCalendar, overriddenDataCheckCalendar, type DataCheckOverrides } from './market-calendar.js';

/** Markets a data check knows: US symbols against NYSE, KR ones against KRX. */
export type DataCheckMarket = Market;

/** A calendar check of a market's stored universe, in figures and findings (the chat and the CLI word it). */
export interface DataCheckReport {
  market: DataCheckMarket;
  /** When it ran (ISO). */
  checkedAt: string;
  /** The last completed session at that time: the bar every symbol should have. */
  lastCompleted: string;
  /** Symbols checked. */
  symbols: number;
  /** Symbols with at least one finding. */
  symbolsFlagged: number;
  /** Findings per kind: one per symbol and kind (`findings.length` = their sum). */
  counts: { missing_session: number; stale: number };
  /** Sessions without a bar, all `missing_session` findings together. */
  missingSessions: number;
  /** Every finding: by symbol, `missing_session` before `stale`. */
  findings: DataFinding[];
  /** How long the check took, in milliseconds (loading the bars included). */
  ms: number;
  /**
   * How the exchange's run-time calendar overrides were used: applied, or unreadable (the rule
   * calendar was used, so a day closed by an override shows as missing). Absent: none were asked
   * for (the rule calendar).
   */
  overrides?: DataCheckOverrides;
}

/** What a data check reads: the stored universe's bars (the bars store in production). */
export interface DataCheckSource {
  loadUniverse(): Promise<Map<string, BarSeries>>;
}

/**
 * The market a stored symbol belongs to. Its code decides (six digits: KR), as it decided the
 * `market` column the writer stored; a legacy symbol neither market accepts now (say `1234`) was
 * stored by the US-only code, so it stays in the US check.
 */
function storedMarketOf(symbol: string): Market {
  try {
    return parseSymbol(symbol).market;
  } catch (err) {
    if (err instanceof SymbolError) return 'US';
    throw err;
  }
}

/**
 * Checks every stored symbol of `market` against its exchange calendar (NYSE for US, KRX for
 * KR): `missing_session` (a session without a bar between its first and last bar) and `stale`
 * (no bar for the last completed session at `nowMs`). The calendar's sessions are computed once
 * for the whole universe. The stored universe is loaded whole (the cached load the scans share)
 * and the other market's symbols are left out. With `overrides` (the run-time calendar overrides'
 * reader) a day closed by an override is no session; when they cannot be read the rules are used
 * and `overrides` in the report says so.
 */
export async function runDataCheck(
  source: DataCheckSource,
  market: DataCheckMarket,
  nowMs: number,
  clock: () => number = () => performance.now(),
  overrides?: CalendarOverridesPort,
): Promise<DataCheckReport> {
  const t0 = clock();
  const chosen = overrides === undefined ? null : await overriddenDataCheckCalendar(market, overrides);
  const calendar = chosen?.calendar ?? dataCheckCalendar(market);
  const universe = await source.loadUniverse();
  const symbols = [...universe.keys()].filter((s) => storedMarketOf(s) === market).sort();
  const lastCompleted = calendar.lastCompleted(nowMs);
  let earliest = lastCompleted;
  for (const sym of symbols) {
    const s = universe.get(sym)!;
    if (s.dates.length > 0 && s.dates[0]! < earliest) earliest = s.dates[0]!;
  }
  const sessions = calendar.sessionsSpanning(earliest, lastCompleted);
  const findings: DataFinding[] = [];
  const flagged = new Set<string>();
  for (const symbol of symbols) {
    const found = dataFindings(symbol, universe.get(symbol)!.dates, sessions, lastCompleted);
    if (found.length > 0) flagged.add(symbol);
    findings.push(...found);
  }
  const missing = findings.filter((f) => f.kind === 'missing_session');
  return {
    market,
    checkedAt: new Date(nowMs).toISOString(),
    lastCompleted,
    symbols: symbols.length,
    symbolsFlagged: flagged.size,
    counts: { missing_session: missing.length, stale: findings.length - missing.length },
    missingSessions: missing.reduce((a, f) => a + f.count, 0),
    findings,
    ms: Math.round(clock() - t0),
    ...(chosen ? { overrides: chosen.overrides } : {}),
  };
}

import { z } from 'zod';
import type { SqlSession, TableSession } from '../../adapters/db/port.js';
import { pgInt, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';
import type { DataCheckMarket, DataCheckReport } from './check.js';

/** The last data check of a market, as /status shows it (its figures, not its findings). */
export interface DataCheckSummary {
  market: DataCheckMarket;
  checkedAt: Date;
  lastCompleted: string;
  symbols: number;
  symbolsFlagged: number;
  counts: { missing_session: number; stale: number };
  missingSessions: number;
}

/** Findings kept with a stored check (the CLI lists all of them when it runs; this is a record). */
const STORED_FINDINGS = 1_000;

/** The figures of a stored check (integer columns; the session as ISO text). */
const LatestCheckRow = z.object({
  checked_at: pgTimestamp,
  last_completed: pgText,
  symbols: pgInt,
  symbols_flagged: pgInt,
  missing_session: pgInt,
  missing_sessions: pgInt,
  stale: pgInt,
});

/** Records a check of `courtside data check` or the start-up seed (its findings capped at {@link STORED_FINDINGS}). */
export async function saveDataCheck(db: TableSession, r: DataCheckReport): Promise<void> {
  await db.tables.manifests.dataChecks.insert({
    market: r.market,
    checkedAt: new Date(r.checkedAt),
    lastCompleted: r.lastCompleted,
    symbols: r.symbols,
    symbolsFlagged: r.symbolsFlagged,
    missingSession: r.counts.missing_session,
    missingSessions: r.missingSessions,
    stale: r.counts.stale,
    ms: r.ms,
    findings: r.findings.slice(0, STORED_FINDINGS),
  });
}

/**
 * Data checks in Postgres (`data_checks`), as /status reads them: reviewed SQL
 * on any session, because /status reaches it through `StatusSources.db`, a
 * plain SqlSession its callers and tests hand in.
 */
export class DataCheckStore {
  constructor(private readonly db: SqlSession) {}

  /** The market's latest check; null when none was run. */
  async latest(market: DataCheckMarket): Promise<DataCheckSummary | null> {
    const r = await rowOf(
      this.db,
      LatestCheckRow,
      `SELECT checked_at, to_char(last_completed, 'YYYY-MM-DD') AS last_completed, symbols, symbols_flagged, missing_session, missing_sessions, stale
         FROM data_checks WHERE market = $1 ORDER BY checked_at DESC, id DESC LIMIT 1`,
      [market],
    );
    if (!r) return null;
    return {
      market,
      checkedAt: r.checked_at,
      lastCompleted: r.last_completed,
      symbols: r.symbols,
      symbolsFlagged: r.symbols_flagged,
      counts: { missing_session: r.missing_session, stale: r.stale },
      missingSessions: r.missing_sessions,
    };
  }
}

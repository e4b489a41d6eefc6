import type { SqlSession } from '../../adapters/db/port.js';
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

/** Data checks in Postgres (`data_checks`): written by each `courtside data check`, read by /status. */
export class DataCheckStore {
  constructor(private readonly db: SqlSession) {}

  /** Records a check. */
  async save(r: DataCheckReport): Promise<void> {
    await this.db.exec(
      `INSERT INTO data_checks (market, checked_at, last_completed, symbols, symbols_flagged, missing_session, missing_sessions, stale, ms, findings)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
      [r.market, new Date(r.checkedAt), r.lastCompleted, r.symbols, r.symbolsFlagged, r.counts.missing_session, r.missingSessions, r.counts.stale, r.ms, JSON.stringify(r.findings.slice(0, STORED_FINDINGS))],
    );
  }

  /** The market's latest check; null when none was run. */
  async latest(market: DataCheckMarket): Promise<DataCheckSummary | null> {
    const rows = await this.db.rows<{ checked_at: Date; last_completed: string; symbols: number; symbols_flagged: number; missing_session: number; missing_sessions: number; stale: number }>(
      `SELECT checked_at, to_char(last_completed, 'YYYY-MM-DD') AS last_completed, symbols, symbols_flagged, missing_session, missing_sessions, stale
         FROM data_checks WHERE market = $1 ORDER BY checked_at DESC, id DESC LIMIT 1`,
      [market],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      market,
      checkedAt: new Date(r.checked_at),
      lastCompleted: r.last_completed,
      symbols: Number(r.symbols),
      symbolsFlagged: Number(r.symbols_flagged),
      counts: { missing_session: Number(r.missing_session), stale: Number(r.stale) },
      missingSessions: Number(r.missing_sessions),
    };
  }
}

import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgNumeric } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';
import { assumedAccount, type ScanAccount } from './account-port.js';

/** sum() of integer × numeric is numeric: text from the driver. */
const SessionRiskRow = z.object({ risk: pgNumeric });

/**
 * The account as the scan's half-Kelly caps read it: the broker's cash, and
 * the risk at the stops of the positions opened this session (the 2 %
 * session cap). When the broker cannot be read the scan still finishes, on
 * the assumed all-cash account (see {@link assumedAccount}) and `onError`
 * hears why: a scan only proposes, and PolicyGate checks the real account
 * before any order.
 */
export function brokerScanAccount(deps: {
  account(): Promise<{ cash: number }>;
  db: SqlSession;
  /** The current session's date (YYYY-MM-DD, New York). */
  session(): string;
  equity: number;
  onError?(err: unknown): void;
}): ScanAccount {
  return {
    async snapshot() {
      const risk = await rowOf(
        deps.db,
        SessionRiskRow,
        `SELECT COALESCE(SUM(qty * GREATEST(avg_cost - stop, 0)), 0) AS risk FROM positions
          WHERE qty > 0 AND stop IS NOT NULL AND (opened_at AT TIME ZONE 'America/New_York')::date = $1::date`,
        [deps.session()],
      );
      const sessionRiskUsed = Number(risk?.risk ?? 0);
      try {
        const { cash } = await deps.account();
        return { cashAvailable: cash, sessionRiskUsed };
      } catch (err) {
        deps.onError?.(err);
        return { ...assumedAccount(deps.equity), sessionRiskUsed };
      }
    },
  };
}

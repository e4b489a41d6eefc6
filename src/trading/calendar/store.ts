import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import type { ExchangeId } from '../../engine/calendar/exchange.js';
import type { CalendarOverride } from '../../engine/calendar/overrides.js';
import { pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';

/** An override as stored: the engine's shape plus who added it and when. */
export interface StoredCalendarOverride extends CalendarOverride {
  /** `calendar_overrides.id` (bigserial, as text). */
  readonly id: string;
  readonly createdBy: string;
  readonly createdAt: Date;
}

const OverrideRow = z.object({
  id: pgNumeric,
  exchange: z.enum(['XNYS', 'XKRX']),
  date: pgText,
  kind: z.enum(['close', 'late_open']),
  open_time: pgText.nullable(),
  reason: pgText,
  created_by: pgText,
  created_at: pgTimestamp,
});

/** The columns every read returns: the date and time as text, so no time zone touches them. */
const COLUMNS = `id, exchange, to_char(date, 'YYYY-MM-DD') AS date, kind, to_char(open_time, 'HH24:MI') AS open_time, reason, created_by, created_at`;

function fromRow(r: z.output<typeof OverrideRow>): StoredCalendarOverride {
  return { id: r.id, exchange: r.exchange, date: r.date, kind: r.kind, openTime: r.open_time, reason: r.reason, createdBy: r.created_by, createdAt: r.created_at };
}

/**
 * `calendar_overrides` in Postgres (reviewed SQL on any session). Validation
 * against the rules is the caller's (src/trading/calendar/add-override.ts);
 * the table's CHECKs are the last line.
 */
export class CalendarOverrideStore {
  constructor(private readonly db: SqlSession) {}

  /** Every override, of one exchange or all, by exchange then date. */
  async list(exchange?: ExchangeId): Promise<StoredCalendarOverride[]> {
    const rows = await rowsOf(
      this.db,
      OverrideRow,
      `SELECT ${COLUMNS} FROM calendar_overrides WHERE $1::text IS NULL OR exchange = $1 ORDER BY exchange, date`,
      [exchange ?? null],
    );
    return rows.map(fromRow);
  }

  /** The override of `exchange` on `date`, if any. */
  async on(exchange: ExchangeId, date: string): Promise<StoredCalendarOverride | null> {
    const r = await rowOf(this.db, OverrideRow, `SELECT ${COLUMNS} FROM calendar_overrides WHERE exchange = $1 AND date = $2::date`, [exchange, date]);
    return r ? fromRow(r) : null;
  }

  /** Inserts `o`; null when that exchange and date already have an override (nothing is changed then). */
  async insert(o: CalendarOverride, createdBy: string, createdAt: Date): Promise<StoredCalendarOverride | null> {
    const r = await rowOf(
      this.db,
      OverrideRow,
      `INSERT INTO calendar_overrides (exchange, date, kind, open_time, reason, created_by, created_at)
       VALUES ($1, $2::date, $3, $4::time, $5, $6, $7)
       ON CONFLICT (exchange, date) DO NOTHING
       RETURNING ${COLUMNS}`,
      [o.exchange, o.date, o.kind, o.openTime, o.reason, createdBy, createdAt],
    );
    return r ? fromRow(r) : null;
  }

  /** Removes one override by id (used to undo an insert whose audit row could not be written). */
  async remove(id: string): Promise<boolean> {
    return (await this.db.exec(`DELETE FROM calendar_overrides WHERE id = $1::bigint`, [id])) === 1;
  }
}

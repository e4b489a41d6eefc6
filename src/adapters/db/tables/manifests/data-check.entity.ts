import { EntitySchema } from 'typeorm';
import type { DataCheckRecord } from './port.js';

/** A `data_checks` row as the driver returns it (bigserial as a string, date as `YYYY-MM-DD`, jsonb parsed). */
export interface DataCheckEntity extends DataCheckRecord {
  id: string;
}

/** `data_checks` as migration 1765300000016 creates it. */
export const DataCheckSchema = new EntitySchema<DataCheckEntity>({
  name: 'DataCheck',
  tableName: 'data_checks',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    market: { type: 'text' },
    checkedAt: { name: 'checked_at', type: 'timestamptz' },
    lastCompleted: { name: 'last_completed', type: 'date' },
    symbols: { type: 'integer' },
    symbolsFlagged: { name: 'symbols_flagged', type: 'integer' },
    missingSession: { name: 'missing_session', type: 'integer' },
    missingSessions: { name: 'missing_sessions', type: 'integer' },
    stale: { type: 'integer' },
    ms: { type: 'integer' },
    findings: { type: 'jsonb' },
  },
});

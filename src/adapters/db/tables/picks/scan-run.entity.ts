import { EntitySchema } from 'typeorm';

/** A `scan_runs` row as the driver returns it (bigint comes back as a string, `date` as YYYY-MM-DD). */
export interface ScanRunEntity {
  id: string;
  requestedBy: string | null;
  chatId: string | null;
  asOf: string;
  strategies: string[];
  status: 'running' | 'done' | 'failed';
  symbols: number;
  evaluated: number | null;
  signals: number | null;
  demo: boolean;
  /** What the scan found, as its finish wrote it (an object; nobody reads it back). */
  summary: object | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** `scan_runs` (migrations/1764200000000-Picks.ts). */
export const ScanRunSchema = new EntitySchema<ScanRunEntity>({
  name: 'ScanRun',
  tableName: 'scan_runs',
  columns: {
    id: { type: 'text', primary: true },
    requestedBy: { name: 'requested_by', type: 'bigint', nullable: true },
    chatId: { name: 'chat_id', type: 'bigint', nullable: true },
    asOf: { name: 'as_of', type: 'date' },
    strategies: { type: 'text', array: true },
    status: { type: 'text' },
    symbols: { type: 'integer' },
    evaluated: { type: 'integer', nullable: true },
    signals: { type: 'integer', nullable: true },
    demo: { type: 'boolean' },
    summary: { type: 'jsonb', nullable: true },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
    finishedAt: { name: 'finished_at', type: 'timestamptz', nullable: true },
  },
});

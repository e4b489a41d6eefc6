import { EntitySchema } from 'typeorm';

/**
 * A `decisions` row (the scan's journal, migrations/1765300000011-DecisionJournal.ts) as the
 * driver returns it: bigint comes back as text, `date` as `YYYY-MM-DD` text, jsonb parsed.
 * Rows are written only by the scan's bulk insert (reviewed SQL, src/trading/journal/record.ts);
 * this entity serves the plain reads.
 */
export interface DecisionEntity {
  id: string;
  runId: string;
  /** `signal`, `card` or `skip` (the table's check constraint). */
  kind: string;
  sessionDate: string;
  symbol: string;
  source: string;
  outcome: string;
  pickId: string | null;
  /** Everything the scan recorded with the decision (validated as an object where it is read). */
  inputs: unknown;
  /** The seq of the scan's `scan.decisions` audit row. */
  auditSeq: string;
  createdAt: Date;
}

export const DecisionSchema = new EntitySchema<DecisionEntity>({
  name: 'Decision',
  tableName: 'decisions',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    runId: { name: 'run_id', type: 'text' },
    kind: { type: 'text' },
    sessionDate: { name: 'session_date', type: 'date' },
    symbol: { type: 'text' },
    source: { type: 'text' },
    outcome: { type: 'text' },
    pickId: { name: 'pick_id', type: 'text', nullable: true },
    inputs: { type: 'jsonb' },
    auditSeq: { name: 'audit_seq', type: 'bigint' },
    createdAt: { name: 'created_at', type: 'timestamptz', default: () => 'now()' },
  },
});

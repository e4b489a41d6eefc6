import { EntitySchema } from 'typeorm';

/** One link of the append-only audit hash chain. */
export interface AuditEntryRow {
  seq: string;
  prevHash: string;
  hash: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export const AuditEntryEntity = new EntitySchema<AuditEntryRow>({
  name: 'AuditEntry',
  tableName: 'audit_log',
  columns: {
    seq: { type: 'bigint', primary: true },
    prevHash: { type: 'char', length: 64, name: 'prev_hash' },
    hash: { type: 'char', length: 64, unique: true },
    payload: { type: 'jsonb' },
    createdAt: { type: 'timestamptz', name: 'created_at' },
  },
});

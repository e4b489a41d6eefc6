import { EntitySchema } from 'typeorm';

/** The single kill-switch row (id = 1); Postgres is the system of record. */
export interface KillSwitchRow {
  id: number;
  engaged: boolean;
  reason: string | null;
  changedBy: string | null;
  changedAt: Date;
}

export const KillSwitchEntity = new EntitySchema<KillSwitchRow>({
  name: 'KillSwitch',
  tableName: 'kill_switch',
  columns: {
    id: { type: 'smallint', primary: true },
    engaged: { type: 'boolean' },
    reason: { type: 'text', nullable: true },
    changedBy: { type: 'bigint', name: 'changed_by', nullable: true },
    changedAt: { type: 'timestamptz', name: 'changed_at' },
  },
});

import { EntitySchema } from 'typeorm';

/** A `heartbeats` row as the driver returns it. */
export interface HeartbeatEntity {
  role: string;
  instance: string;
  pid: number;
  host: string;
  startedAt: Date;
  beatAt: Date;
  configPin: string | null;
}

/** `heartbeats` as migrations 1763800000000 and 1765300000009 (`config_pin`) create it. */
export const HeartbeatSchema = new EntitySchema<HeartbeatEntity>({
  name: 'Heartbeat',
  tableName: 'heartbeats',
  columns: {
    role: { type: 'text', primary: true },
    instance: { type: 'text', primary: true },
    pid: { type: 'integer' },
    host: { type: 'text' },
    startedAt: { name: 'started_at', type: 'timestamptz' },
    beatAt: { name: 'beat_at', type: 'timestamptz' },
    configPin: { name: 'config_pin', type: 'text', nullable: true },
  },
});

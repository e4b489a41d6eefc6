import { EntitySchema } from 'typeorm';

/** Last sign of life of one process role instance. */
export interface HeartbeatRow {
  role: string;
  instance: string;
  pid: number;
  host: string;
  startedAt: Date;
  beatAt: Date;
}

export const HeartbeatEntity = new EntitySchema<HeartbeatRow>({
  name: 'Heartbeat',
  tableName: 'heartbeats',
  columns: {
    role: { type: 'text', primary: true },
    instance: { type: 'text', primary: true },
    pid: { type: 'integer' },
    host: { type: 'text' },
    startedAt: { type: 'timestamptz', name: 'started_at' },
    beatAt: { type: 'timestamptz', name: 'beat_at' },
  },
});

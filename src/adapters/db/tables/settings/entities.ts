import { EntitySchema } from 'typeorm';

/** A `config_pins` row (one start of one role) as the driver returns it: `id` is a bigserial, so text. */
export interface ConfigPinEntity {
  id: string;
  at: Date;
  installation: string | null;
  role: string;
  instance: string;
  pin: string;
  /** The per-setting digests as stored (jsonb); the use case that wrote them parses them back (src/trading/status/config-pin.ts). */
  settings: unknown;
}

export const ConfigPinSchema = new EntitySchema<ConfigPinEntity>({
  name: 'ConfigPin',
  tableName: 'config_pins',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment' },
    at: { type: 'timestamptz', default: () => 'now()' },
    installation: { type: 'text', nullable: true },
    role: { type: 'text' },
    instance: { type: 'text' },
    pin: { type: 'text' },
    settings: { type: 'jsonb' },
  },
});

/** A `config_pin_changes` row (one announced change, keyed by the new pin and the last start with another pin). */
export interface ConfigPinChangeEntity {
  pin: string;
  /** A bigint: text from the driver. */
  sinceId: string;
  at: Date;
  role: string;
  previous: string;
  changed: string[];
}

export const ConfigPinChangeSchema = new EntitySchema<ConfigPinChangeEntity>({
  name: 'ConfigPinChange',
  tableName: 'config_pin_changes',
  columns: {
    pin: { type: 'text', primary: true },
    sinceId: { name: 'since_id', type: 'bigint', primary: true },
    at: { type: 'timestamptz', default: () => 'now()' },
    role: { type: 'text' },
    previous: { type: 'text' },
    changed: { type: 'text', array: true },
  },
});

/** The TypeORM entities of user settings, the config pin and scheduled runs (registered with the DataSource). */
export const SETTINGS_ENTITIES: readonly EntitySchema[] = [ConfigPinSchema, ConfigPinChangeSchema];

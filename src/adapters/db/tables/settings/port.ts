/**
 * Typed repositories of user settings, the config pin and scheduled runs: the plain one-table reads and writes the
 * use cases need, as methods (the use cases import this file's types only).
 */

/** One start of one role, as `config_pins` records it (its id and time are filled by the database). */
export interface ConfigPinStart {
  /** The installation's id, or null when the database has none. */
  installation: string | null;
  role: string;
  instance: string;
  /** 64 lowercase hex digits (the table checks it). */
  pin: string;
  /** The per-setting digests, stored as jsonb. */
  settings: Readonly<Record<string, unknown>>;
}

/** The pin and settings of a role's last recorded start. */
export interface LastConfigPin {
  pin: string;
  /** The stored jsonb as the driver parsed it: the caller, which wrote it, parses its entries. */
  settings: unknown;
}

/** A configuration change to claim in `config_pin_changes`. */
export interface ConfigPinChangeClaim {
  pin: string;
  /** Id of the last start with another pin before this one (a bigint, as text). */
  sinceId: string;
  role: string;
  previous: string;
  /** Names of the settings that changed. */
  changed: readonly string[];
}

/** Plain reads and writes of `config_pins` and `config_pin_changes`. */
export interface SettingsTables {
  /** Id (a bigint, as text) of the newest start recorded with a pin other than `pin`; null when there is none. */
  lastConfigPinIdOtherThan(pin: string): Promise<string | null>;
  /** The newest start recorded for `role`; null when the role never started here. */
  lastConfigPinOf(role: string): Promise<LastConfigPin | null>;
  /** Records one start. */
  insertConfigPin(start: ConfigPinStart): Promise<void>;
  /** Inserts the change unless its (pin, sinceId) is already there: true when this call claimed it. */
  claimConfigPinChange(claim: ConfigPinChangeClaim): Promise<boolean>;
}

/**
 * The configuration pin's record (issue 20, item 2): each start of each role
 * stores its pin and per-setting digests (config_pins); a pin that differs
 * from the role's last start is announced once — one audit entry, one
 * message to each admin — however many roles restart with it. What is stored
 * and told names settings, shows non-secret values, and never a secret's.
 * The pin itself is computed by the app (src/app/config/pin.ts).
 */
import { z } from 'zod';
import type { SqlSession, TableUnitOfWork } from '../../adapters/db/port.js';
import { pgText } from '../../lib/sql-columns.js';
import { parseRows, rowOf, rowsOf } from '../../lib/sql-rows.js';
import type { AuditEvent } from '../audit/audit-log.js';
import type { Notifier } from '../notifier.js';

/** A setting as a start stored it: its digest, and what may be shown of it (null for a whole secret). */
export interface StoredSetting {
  digest: string;
  /** Where it came from, as a person reads it ("environment", "file /srv/.env, line 3", "default"). */
  source: string;
  secret: boolean;
  shown: string | null;
}

/** {@link StoredSetting} as a start stored it in `config_pins.settings` (jsonb). */
const StoredSettingSchema = z.object({ digest: z.string(), source: z.string(), secret: z.boolean(), shown: z.string().nullable() });

/** One setting that differs between two starts; for a secret, `from`/`to` hold only its non-secret part (a URL without its password), or null. */
export interface SettingChange {
  name: string;
  secret: boolean;
  from: string | null;
  to: string | null;
  fromSource: string | null;
  toSource: string | null;
}

/** The settings whose digest differs, by name. */
export function diffSettings(before: Readonly<Record<string, StoredSetting>>, after: Readonly<Record<string, StoredSetting>>): SettingChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const out: SettingChange[] = [];
  for (const name of names) {
    const a = before[name];
    const b = after[name];
    if (a?.digest === b?.digest) continue;
    const secret = (a?.secret ?? false) || (b?.secret ?? false);
    out.push({ name, secret, from: a?.shown ?? null, to: b?.shown ?? null, fromSource: a?.source ?? null, toSource: b?.source ?? null });
  }
  return out;
}

/** What admins are told when the configuration changed between starts. */
export interface ConfigChange {
  pin: string;
  previous: string;
  /** The roles that started with it in this process. */
  roles: string[];
  changed: SettingChange[];
}

/** `bytea`: a Buffer from the driver. */
const PinKeyRow = z.object({ key: z.instanceof(Buffer) });

/** The installation's HMAC key for secrets (made once by the migration). */
export async function readPinKey(db: SqlSession): Promise<Buffer> {
  const row = await rowOf(db, PinKeyRow, `SELECT key FROM config_pin_key WHERE id = 1`);
  if (!row) throw new Error('config_pin_key has no key: run `courtside migrate`');
  return row.key;
}

export interface ConfigStart {
  roles: readonly string[];
  instance: string;
  pin: string;
  settings: Readonly<Record<string, StoredSetting>>;
}

export interface ConfigStartDeps {
  /** Its transaction's `tables` record the start and claim the change (config_pins, config_pin_changes). */
  db: TableUnitOfWork;
  audit: { append(e: AuditEvent): Promise<number> };
  notifier: Pick<Notifier, 'publish'> | null;
  admins: readonly number[];
  log?: { warn(obj: object, msg: string): void };
}

export interface ConfigStartResult {
  /** Each role's pin at its last start (null: its first start here). */
  previous: Record<string, string | null>;
  /** The change this start claimed and announced; null when the pin is unchanged, a first start, or another role announced it. */
  announced: ConfigChange | null;
}

const InstallationRow = z.object({ id: pgText });
/** A role's last start as this module stored it; another shape stops the record with a RowShapeError naming {@link LAST_START_READ}. */
const RoleStartRow = z.object({ pin: pgText, settings: z.record(z.string(), StoredSettingSchema) });
const LAST_START_READ = 'config_pins: the last start of a role (tables.settings.lastConfigPinOf)';

/** Serialises pin records across processes (roles starting together compare and claim one at a time). */
const PIN_LOCK_KEY = 774_219_020;

/**
 * Stores this start's pin for each role and, when it differs from a role's
 * last start, claims the change. The claim's key is the new pin and the last
 * start with another pin before it, so every role of the installation
 * restarting with the same new configuration finds one claim: one audit
 * entry and one message. Going back to an older configuration later is a new
 * change (a newer start with another pin lies in between).
 */
export async function recordConfigStart(deps: ConfigStartDeps, start: ConfigStart): Promise<ConfigStartResult> {
  const { previous, claimed } = await deps.db.transaction(async (tx) => {
    await tx.exec(`SELECT pg_advisory_xact_lock(${PIN_LOCK_KEY})`);
    // No fallback when this read fails: `installation` is older than `config_pins` (its migration
    // runs first), and a failed statement aborts the transaction, so nothing after it could run.
    const inst = await rowOf(tx, InstallationRow, `SELECT id FROM installation LIMIT 1`);
    const since = await tx.tables.settings.lastConfigPinIdOtherThan(start.pin);
    const prev: Record<string, { pin: string; settings: Record<string, StoredSetting> } | null> = {};
    for (const role of start.roles) {
      const last = await tx.tables.settings.lastConfigPinOf(role);
      prev[role] = last ? parseRows(RoleStartRow, [last], LAST_START_READ)[0]! : null;
      await tx.tables.settings.insertConfigPin({ installation: inst?.id ?? null, role, instance: start.instance, pin: start.pin, settings: start.settings });
    }
    const changedRole = start.roles.find((r) => prev[r] && prev[r].pin !== start.pin);
    let claim: ConfigChange | null = null;
    if (changedRole && since) {
      const before = prev[changedRole]!;
      const changed = diffSettings(before.settings, start.settings);
      const won = await tx.tables.settings.claimConfigPinChange({ pin: start.pin, sinceId: since, role: changedRole, previous: before.pin, changed: changed.map((c) => c.name) });
      if (won) claim = { pin: start.pin, previous: before.pin, roles: [...start.roles], changed };
    }
    return { previous: Object.fromEntries(start.roles.map((r) => [r, prev[r]?.pin ?? null])), claimed: claim };
  });
  if (claimed) await announce(deps, claimed);
  return { previous, announced: claimed };
}

/** The audit entry and the admins' message of a claimed change; failures are logged (the claim stands: never told twice). */
async function announce(deps: ConfigStartDeps, change: ConfigChange): Promise<void> {
  const changed = change.changed.map((c) => (c.secret ? { name: c.name, secret: true } : { name: c.name, from: c.from, to: c.to, fromSource: c.fromSource, toSource: c.toSource }));
  try {
    await deps.audit.append({ action: 'config.changed', actor: change.roles.join(','), pin: change.pin, previous: change.previous, roles: change.roles, changed });
  } catch (err) {
    deps.log?.warn({ err }, 'configuration change not audited');
  }
  if (!deps.notifier) return;
  const notifier = deps.notifier;
  const results = await Promise.allSettled(deps.admins.map((chatId) => notifier.publish(chatId, { kind: 'config.changed', change }, { key: `config-changed-${change.pin.slice(0, 16)}-${change.previous.slice(0, 16)}-${chatId}` })));
  for (const r of results) if (r.status === 'rejected') deps.log?.warn({ err: r.reason }, 'configuration change not told to an admin');
}

/** A role's configuration pin as the digests show it. */
export interface RolePin {
  role: string;
  pin: string;
}

/** The heartbeats' pins are filtered to non-null in the statement; config_pins.pin is NOT NULL. */
const RolePinRow = z.object({ role: pgText, pin: pgText });

/**
 * The pin each role runs with, for the digests: from the roles' heartbeats
 * (live processes; newest beat per role), else each role's last recorded
 * start. Empty when nothing was recorded (a database from before pins).
 */
export async function currentPins(db: SqlSession): Promise<RolePin[]> {
  const live = await rowsOf(
    db,
    RolePinRow,
    `SELECT DISTINCT ON (role) role, config_pin AS pin FROM heartbeats WHERE config_pin IS NOT NULL AND beat_at > now() - interval '1 day' ORDER BY role, beat_at DESC`,
  );
  if (live.length > 0) return live;
  return rowsOf(db, RolePinRow, `SELECT DISTINCT ON (role) role, pin FROM config_pins ORDER BY role, id DESC`);
}

/**
 * The configuration pin (issue 20, item 2): a SHA-256 of every setting this
 * process runs with and where it came from, computed once at start-up
 * (settings change by restart only). Secrets enter it only as an
 * HMAC-SHA256 under the installation's key (kept in Postgres), so a changed
 * secret changes the pin while the pin's material, the stored digests and
 * everything shown carry no secret value.
 *
 * Pure: the key is passed in; storing and comparing pins is pin-record.ts.
 */
import { createHash, createHmac } from 'node:crypto';
import { secrecyOf, SETTING_NAMES, type ConfigSettings } from './config.js';
import { originOf } from './env-file.js';
import type { StoredSetting } from '../../trading/status/config-pin.js';

/** Where a setting's value came from. `line` is shown, never pinned (moving a line in the file changes nothing). */
export type SettingSource = { kind: 'environment' } | { kind: 'file'; path: string; line: number | null } | { kind: 'default'; local: boolean };

/** One setting as the pin and `config show` see it: never a secret value. */
export interface PinnedSetting {
  name: string;
  source: SettingSource;
  /** `whole`: the value is secret; `password`: a URL whose password is secret; `none`: shown as it is. */
  secrecy: 'whole' | 'password' | 'none';
  /** Whether it has a value (unset optional settings do not). */
  set: boolean;
  /** What may be shown: the value, a URL with its password as `***`; null for a whole secret or an unset setting. */
  shown: string | null;
  /** HMAC-SHA256 (hex) of the secret part under the installation's key; null without one. */
  hmac: string | null;
  /** SHA-256 (hex) of this setting's line of the pin's material. */
  digest: string;
}

export interface ConfigPin {
  /** SHA-256 (hex) of the material. */
  pin: string;
  /** Every schema setting, by name. */
  settings: PinnedSetting[];
}

/** How much of a pin is shown (/status, digests, messages). */
export const PIN_SHOWN_CHARS = 12;
export const shortPin = (pin: string): string => pin.slice(0, PIN_SHOWN_CHARS);

/** The source as it enters the pin: the file's path counts (another file is another configuration), its line does not. */
export function sourceKey(s: SettingSource): string {
  return s.kind === 'file' ? `file:${s.path}` : s.kind;
}

/** The source as a person reads it. */
export function sourceLabel(s: SettingSource): string {
  if (s.kind === 'file') return `file ${s.line ? `${s.path}, line ${s.line}` : s.path}`;
  return s.kind === 'default' ? (s.local ? 'default (local mode)' : 'default') : 'environment';
}

function sourceOf(name: string, settings: ConfigSettings): SettingSource {
  if (!settings.given.includes(name)) return { kind: 'default', local: settings.localDefaults.includes(name) };
  if (originOf(settings.envFile, name) !== null) return { kind: 'file', path: settings.envFile!.path, line: settings.envFile!.applied.get(name) ?? null };
  return { kind: 'environment' };
}

function text(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** A URL's password and the URL with it masked; null password when it has none (or is no URL). */
function splitPassword(url: string): { masked: string; password: string | null } {
  try {
    const u = new URL(url);
    if (!u.password) return { masked: url, password: null };
    const password = decodeURIComponent(u.password);
    u.password = '***';
    return { masked: u.toString(), password };
  } catch {
    return { masked: url, password: null };
  }
}

/** The line of one setting in the pin's material: name, source and value, the secret part as its HMAC. */
function materialLine(name: string, source: SettingSource, shown: string | null, hmac: string | null, set: boolean): string {
  return JSON.stringify([name, sourceKey(source), set ? shown : null, hmac]);
}

/** HMAC-SHA256 of a secret under the installation's key, hex. */
export function secretHmac(key: Buffer, secret: string): string {
  return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
}

/**
 * Every setting, sorted by name, with its source and digest. `hmacKey` null
 * (Postgres unreachable from a CLI): secrets are still never shown, and their
 * `hmac` stays null; such entries must not be pinned.
 */
export function describeSettings(settings: ConfigSettings, hmacKey: Buffer | null): PinnedSetting[] {
  const names = [...new Set([...SETTING_NAMES, ...Object.keys(settings.values)])].sort();
  return names.map((name) => {
    const source = sourceOf(name, settings);
    const secrecy = secrecyOf(name);
    const value = text(settings.values[name]);
    const set = value !== null && value !== '';
    let shown: string | null = set ? value : null;
    let hmac: string | null = null;
    if (set && secrecy === 'whole') {
      shown = null;
      hmac = hmacKey ? secretHmac(hmacKey, value) : null;
    } else if (set && secrecy === 'password') {
      const { masked, password } = splitPassword(value);
      shown = masked;
      hmac = password !== null && hmacKey ? secretHmac(hmacKey, password) : null;
    }
    const digest = createHash('sha256').update(materialLine(name, source, shown, hmac, set)).digest('hex');
    return { name, source, secrecy, set, shown, hmac, digest };
  });
}

/** What the pin hashes: one line per setting, sorted by name (so neither the schema's nor the environment's order matters). */
export function pinMaterial(entries: readonly PinnedSetting[]): string {
  return [...entries]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => materialLine(e.name, e.source, e.shown, e.hmac, e.set))
    .join('\n');
}

/** The pin of these settings under the installation's key. */
export function computePin(settings: ConfigSettings, hmacKey: Buffer): ConfigPin {
  const entries = describeSettings(settings, hmacKey);
  return { pin: createHash('sha256').update(pinMaterial(entries)).digest('hex'), settings: entries };
}

/** The per-setting record a start keeps (config_pins.settings), so the next start can name what changed: no secret value in it. */
export function storedSettings(pin: ConfigPin): Record<string, StoredSetting> {
  return Object.fromEntries(pin.settings.map((s) => [s.name, { digest: s.digest, source: sourceLabel(s.source), secret: s.secrecy !== 'none', shown: s.shown }]));
}

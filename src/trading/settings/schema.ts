import { z } from 'zod';
import type { Market } from '../../engine/market/markets.js';

/**
 * Per-user notification settings, stored in `user_settings.settings` (jsonb)
 * under the `notify` key: `{ "notify": { "digest": "silent", "fills": "off" } }`.
 * Other top-level keys are left alone, so later features can keep their own
 * settings in the same row.
 */

/** What can be turned on, silent or off: the digests, fill notifications, and the weekly review. */
export const NOTIFY_KINDS = ['digest', 'fills', 'review'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/**
 * - `on`: sent normally.
 * - `silent`: sent with Telegram's `disable_notification` (no sound or vibration).
 * - `off`: not sent.
 */
export const NOTIFY_MODES = ['on', 'silent', 'off'] as const;
export type NotifyMode = (typeof NOTIFY_MODES)[number];

/** Everyone on the allow list gets digests, fill notifications and the weekly review until they turn them off. */
export const DEFAULT_NOTIFY_MODE: NotifyMode = 'on';

export const notifyKindSchema = z.enum(NOTIFY_KINDS);
export const notifyModeSchema = z.enum(NOTIFY_MODES);

/** A stored value that is not a known mode (hand-edited row, older format) reads as unset, i.e. the default. */
const storedMode = notifyModeSchema.optional().catch(undefined);

/** The stored jsonb, tolerant of junk: unknown keys pass through, bad values read as unset. */
export const storedSettingsSchema = z
  .object({
    notify: z
      .object({ digest: storedMode, fills: storedMode, review: storedMode })
      .loose()
      .optional()
      .catch(undefined),
  })
  .loose();

/** A user's effective notification settings (defaults filled in). */
export type NotifySettings = Record<NotifyKind, NotifyMode>;

/** The effective settings of a stored jsonb value (anything at all: null, junk, an older shape). */
export function effectiveSettings(stored: unknown): NotifySettings {
  const parsed = storedSettingsSchema.safeParse(stored ?? {});
  const notify = parsed.success ? parsed.data.notify : undefined;
  return {
    digest: notify?.digest ?? DEFAULT_NOTIFY_MODE,
    fills: notify?.fills ?? DEFAULT_NOTIFY_MODE,
    review: notify?.review ?? DEFAULT_NOTIFY_MODE,
  };
}

/**
 * Per-market digests and quiet hours (issue 15): stored beside the modes in
 * `settings.notify`, e.g.
 * `{ "notify": { "digest": "on", "digestByMarket": { "US": "off" }, "quiet": { "from": "22:00", "to": "07:00", "zone": "Asia/Seoul" } } }`.
 * Read as tolerantly as the modes: a bad value reads as unset, unknown keys are kept.
 */

/** The markets a digest can be chosen for (the market ids of src/engine/market, kept here as data). */
export const DIGEST_MARKETS = ['US', 'KR'] as const satisfies readonly Market[];

/**
 * Quiet hours: scheduled digests and the weekly review due at a time from
 * `from` (inclusive) to `to` (exclusive) on the clock of `zone` are not sent
 * to the chat. `from` after `to` spans midnight (22:00–07:00). Safety alerts,
 * kill proofs and fill confirmations are never held back; /digest and
 * /review asked for by hand are always answered.
 */
export interface QuietHours {
  /** `HH:MM`, 00:00–23:59. */
  from: string;
  /** `HH:MM`, 00:00–23:59, never equal to `from`. */
  to: string;
  /** IANA zone, e.g. `Asia/Seoul`. */
  zone: string;
}

/** `HH:MM` (one or two hour digits accepted on input, stored as two). */
const CLOCK_TEXT = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight of an `HH:MM` text, or null when it is not one. */
export function clockMinutes(text: string): number | null {
  const m = CLOCK_TEXT.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** The canonical name of an IANA zone the runtime knows (`asia/seoul` → `Asia/Seoul`), else null. */
export function knownZone(zone: string): string | null {
  const z = zone.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(z)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: z }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** A stored quiet window that is whole and valid; anything else reads as no quiet hours. */
const storedQuiet = z
  .object({ from: z.string(), to: z.string(), zone: z.string() })
  .loose()
  .refine((q) => clockMinutes(q.from) !== null && clockMinutes(q.to) !== null && clockMinutes(q.from) !== clockMinutes(q.to) && knownZone(q.zone) !== null)
  .transform((q): QuietHours => ({ from: q.from, to: q.to, zone: q.zone }))
  .optional()
  .catch(undefined);

const storedDelivery = z
  .object({
    notify: z
      .object({
        digestByMarket: z.object({ US: storedMode, KR: storedMode }).loose().optional().catch(undefined),
        quiet: storedQuiet,
      })
      .loose()
      .optional()
      .catch(undefined),
  })
  .loose();

/** Everything that decides whether a scheduled broadcast reaches a user: the modes, per-market digest choices, quiet hours. */
export interface DeliverySettings {
  notify: NotifySettings;
  /** A market's own digest mode; absent = `notify.digest` (the all-markets setting). */
  digestByMarket: Partial<Record<Market, NotifyMode>>;
  /** Null = no quiet hours (the default: everything is sent when it is due). */
  quiet: QuietHours | null;
}

/** The delivery settings of a stored jsonb value (anything at all), defaults filled in. */
export function effectiveDelivery(stored: unknown): DeliverySettings {
  const parsed = storedDelivery.safeParse(stored ?? {});
  const n = parsed.success ? parsed.data.notify : undefined;
  const byMarket: Partial<Record<Market, NotifyMode>> = {};
  for (const m of DIGEST_MARKETS) {
    const mode = n?.digestByMarket?.[m];
    if (mode !== undefined) byMarket[m] = mode;
  }
  return { notify: effectiveSettings(stored), digestByMarket: byMarket, quiet: n?.quiet ?? null };
}

/** The digest mode of one market: its own choice, else the all-markets one. */
export function digestModeFor(s: Pick<DeliverySettings, 'notify' | 'digestByMarket'>, market: Market): NotifyMode {
  return s.digestByMarket[market] ?? s.notify.digest;
}

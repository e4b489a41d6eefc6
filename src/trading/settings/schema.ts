import { z } from 'zod';

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

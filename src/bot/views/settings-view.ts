import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { Keyboard } from '../format/message.js';
import { DEFAULT_NOTIFY_MODE, NOTIFY_KINDS, NOTIFY_MODES, notifyKindSchema, notifyModeSchema, type NotifyKind, type NotifyMode, type NotifySettings } from '../../trading/settings/schema.js';

/** Settings as the view reads them: a setting not given shows its default (`on`). */
type ShownSettings = Readonly<Partial<NotifySettings>>;

const modeOf = (s: ShownSettings, k: NotifyKind): NotifyMode => s[k] ?? DEFAULT_NOTIFY_MODE;

/** What each kind is called in messages and on buttons. */
export const KIND_LABEL: Record<NotifyKind, string> = { digest: 'Digests', fills: 'Fills', review: 'Weekly review' };
const KIND_WHAT: Record<NotifyKind, string> = { digest: 'morning and close summaries', fills: 'each order fill', review: "the week's summary after its last session" };
const MODE_ICON: Record<NotifyMode, string> = { on: '🔔', silent: '🔕', off: '🚫' };

/**
 * Inline-button argument for "set `kind` to `mode`": `digest-silent`,
 * `fills-off`. Fits the callback scheme's `[A-Za-z0-9_-]{0,24}`.
 */
export function settingsArg(kind: NotifyKind, mode: NotifyMode): string {
  return `${kind}-${mode}`;
}

/** The inverse of {@link settingsArg}; null for anything else. */
export function parseSettingsArg(arg: string): { kind: NotifyKind; mode: NotifyMode } | null {
  const m = /^([a-z]+)-([a-z]+)$/.exec(arg);
  if (!m) return null;
  const kind = notifyKindSchema.safeParse(m[1]);
  const mode = notifyModeSchema.safeParse(m[2]);
  return kind.success && mode.success ? { kind: kind.data, mode: mode.data } : null;
}

/** The /settings message: current value of each setting and what the modes mean. */
export function settingsView(s: ShownSettings): FmtString {
  const lines = NOTIFY_KINDS.map((k) => fmt`${MODE_ICON[modeOf(s, k)]} ${bold(KIND_LABEL[k])}: ${modeOf(s, k)} — ${KIND_WHAT[k]}`);
  return fmt`⚙️ ${bold`Your notifications`}\n${join(lines, '\n')}\n\nSilent = delivered without sound. Off = not sent. /digest sends a digest now, whatever the setting.`;
}

/**
 * One row per setting, one button per mode; the current mode is ticked.
 * `sign` turns an argument from {@link settingsArg} into signed callback data.
 */
export function settingsKeyboard(s: ShownSettings, sign: (arg: string) => string): Keyboard {
  return NOTIFY_KINDS.map((k) =>
    NOTIFY_MODES.map((m) => ({
      text: `${modeOf(s, k) === m ? '✓ ' : ''}${KIND_LABEL[k]} ${m}`,
      callback_data: sign(settingsArg(k, m)),
    })),
  );
}

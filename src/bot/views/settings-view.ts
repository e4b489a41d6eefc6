import { bold, fmt, join, type FmtString } from 'telegraf/format';
import type { Keyboard } from '../format/message.js';
import {
  DEFAULT_NOTIFY_MODE,
  DIGEST_MARKETS,
  NOTIFY_KINDS,
  NOTIFY_MODES,
  notifyKindSchema,
  notifyModeSchema,
  type DeliverySettings,
  type NotifyKind,
  type NotifyMode,
  type NotifySettings,
} from '../../trading/settings/schema.js';
import { quietText } from '../../trading/settings/quiet.js';

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

/** An example quiet window, as typed. */
export const QUIET_EXAMPLE = '/settings quiet 22:00-07:00 Asia/Seoul';

/** What quiet hours hold back and what they never do (said in /settings and in the reply that sets them). */
export const QUIET_SCOPE =
  'Quiet hours hold back scheduled digests and the weekly review due inside them (they are skipped, not sent later). Never held back: safety alerts, kill-switch proofs, confirmations of your own taps; /digest still answers at any hour.';

/**
 * The /settings message: current value of each setting and what the modes
 * mean; with `delivery`, also the per-market digest choices and the quiet
 * hours, and how to change them.
 */
export function settingsView(s: ShownSettings, delivery?: Pick<DeliverySettings, 'digestByMarket' | 'quiet'>): FmtString {
  const lines: (string | FmtString)[] = NOTIFY_KINDS.map((k) => fmt`${MODE_ICON[modeOf(s, k)]} ${bold(KIND_LABEL[k])}: ${modeOf(s, k)} — ${KIND_WHAT[k]}`);
  if (!delivery) return fmt`⚙️ ${bold`Your notifications`}\n${join(lines, '\n')}\n\nSilent = delivered without sound. Off = not sent. /digest sends a digest now, whatever the setting.`;
  const own = DIGEST_MARKETS.filter((m) => delivery.digestByMarket[m] !== undefined);
  if (own.length > 0) {
    // Where a market has its own choice it wins over "Digests" (which then stands for the other markets).
    lines.splice(1, 0, `   per market: ${own.map((m) => `${m} ${delivery.digestByMarket[m]!}`).join(' · ')}${own.length < DIGEST_MARKETS.length ? ' (the other market follows Digests)' : ''}`);
  }
  lines.push(
    delivery.quiet
      ? fmt`🌙 ${bold`Quiet hours`}: ${quietText(delivery.quiet)}`
      : fmt`🌙 ${bold`Quiet hours`}: none — every scheduled digest is sent when it is due`,
  );
  return fmt`⚙️ ${bold`Your notifications`}\n${join(lines, '\n')}\n\nSilent = delivered without sound. Off = not sent. /digest sends a digest now, whatever the setting.\n${QUIET_SCOPE}\n\nOne market: /settings digest us off (or kr; on|silent|off). Quiet hours: ${QUIET_EXAMPLE}, or /settings quiet off.`;
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

import type { ConfigChange, SettingChange } from '../../trading/status/config-pin.js';
import type { HeartbeatView } from '../../trading/status/heartbeat.js';

/** How much of a pin is shown everywhere (/status, digests, messages, `config show`). */
export const PIN_CHARS = 12;
export const pinText = (pin: string): string => pin.slice(0, PIN_CHARS);

/** One changed setting: a secret by name only; a URL whose password changed says so without it. */
function changeText(c: SettingChange): string {
  const moved = c.fromSource !== c.toSource && c.fromSource && c.toSource ? ` (from ${c.fromSource} → ${c.toSource})` : '';
  if (c.secret) {
    const visible = c.from !== c.to && (c.from !== null || c.to !== null) ? `: ${c.from ?? 'unset'} → ${c.to ?? 'unset'}` : '';
    return `• ${c.name} (secret, value not shown) changed${visible}${moved}`;
  }
  return `• ${c.name}: ${c.from ?? 'unset'} → ${c.to ?? 'unset'}${moved}`;
}

/** The admins' message when a role started with another configuration than its last start. */
export function configChangedView(change: ConfigChange): string {
  const n = change.changed.length;
  return [
    `⚙️ Configuration changed since the last start of ${change.roles.join(', ')}: pin ${pinText(change.pin)} (was ${pinText(change.previous)}).`,
    n > 0 ? `${n} setting${n === 1 ? '' : 's'} changed:` : 'The settings are the same; where they are read from changed.',
    ...change.changed.map(changeText),
    'Settings apply at start-up only (no hot reload). `courtside config show` lists them all with their sources.',
  ].join('\n');
}

/** The /status line about the configuration: this process's pin, and a warning when live roles run with different pins. */
export function configPinLines(own: string | null | undefined, heartbeats: readonly HeartbeatView[]): string[] {
  const lines: string[] = [];
  if (own) lines.push(`Config pin: ${pinText(own)} (settings apply at start-up only)`);
  const live = heartbeats.filter((h) => !h.stale && h.pin);
  const pins = new Set(live.map((h) => h.pin));
  if (pins.size > 1) {
    const each = live.map((h) => `${h.role} ${pinText(h.pin!)}`).join(', ');
    lines.push(`⚠️ Roles run with different configurations: ${each} — restart them with the same settings (courtside config show)`);
  }
  return lines;
}

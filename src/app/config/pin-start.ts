/**
 * Pins this process's configuration at start-up (issue 20, item 2): the pin
 * is computed once (settings change by restart only), recorded for each role
 * the process runs, and a change since a role's last start is announced once
 * (recordConfigStart). A pin that cannot be recorded never stops the start:
 * it is logged, and /status shows no pin for this process.
 */
import { adminChatIds } from '../../trading/alerts/alerts.js';
import { readPinKey, recordConfigStart } from '../../trading/status/config-pin.js';
import type { AppContext } from '../context.js';
import { computePin, shortPin, storedSettings } from './pin.js';

export async function pinConfiguration(app: AppContext, roles: readonly string[]): Promise<string | null> {
  const settings = app.config.settings;
  if (!settings) return null;
  const log = app.log.child({ component: 'config-pin' });
  try {
    const pin = computePin(settings, await readPinKey(app.uow));
    const result = await recordConfigStart(
      { db: app.uow, audit: app.audit, notifier: app.publisher, admins: adminChatIds(app.config.telegram.allowed), log },
      { roles, instance: app.instanceId, pin: pin.pin, settings: storedSettings(pin) },
    );
    const previous = [...new Set(Object.values(result.previous).filter((p): p is string => p !== null))].map(shortPin);
    // Names only: the audit entry and the admins' message carry the details (no secret value anywhere).
    log.info({ configPin: shortPin(pin.pin), previous, changed: result.announced?.changed.map((c) => c.name) ?? null }, 'configuration pinned');
    return pin.pin;
  } catch (err) {
    log.warn({ err }, 'configuration pin not recorded');
    return null;
  }
}

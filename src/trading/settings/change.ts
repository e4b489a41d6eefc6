import type { SqlSession } from '../../adapters/db/port.js';
import type { Market } from '../../engine/market/markets.js';
import type { AuditLog } from '../audit/audit-log.js';
import { quietText } from './quiet.js';
import { UserSettingsRepo } from './repo.js';
import type { DeliverySettings, NotifyKind, NotifyMode, NotifySettings, QuietHours } from './schema.js';

/** What changing a setting needs. */
export interface ChangeSettingDeps {
  db: SqlSession;
  audit: Pick<AuditLog, 'append'>;
  /** Where a failed audit append is reported (a pino logger fits). */
  log: { error(obj: object, msg: string): void };
}

/** Where the change came from, for the audit record. */
export interface ChangeSettingMeta {
  chatId: number | null;
  updateId: number;
  via: 'command' | 'button';
}

/** The effective settings after a change, and whether anything changed. */
export interface ChangeSettingResult {
  changed: boolean;
  settings: NotifySettings;
  /** Everything /settings shows after the change (per-market digests, quiet hours). */
  delivery: DeliverySettings;
}

/** A failed audit append is logged, not thrown: the change itself is saved. */
async function audited(deps: ChangeSettingDeps, userId: number, meta: ChangeSettingMeta, setting: string, from: string, to: string): Promise<void> {
  await deps.audit
    .append({ action: 'settings.changed', actor: userId, chatId: meta.chatId, updateId: meta.updateId, setting, from, to, via: meta.via })
    .catch((err: unknown) => deps.log.error({ err }, 'could not audit a settings change'));
}

/**
 * Changes one notification setting of `userId` (each user only ever changes
 * their own) and audits it when it changed. Setting the current value again
 * changes and audits nothing. `digest` is every market's digest: it also
 * clears per-market choices (then it changes even when the mode was already
 * the same). A failed audit append is logged, not thrown.
 */
export async function changeSetting(deps: ChangeSettingDeps, userId: number, kind: NotifyKind, mode: NotifyMode, meta: ChangeSettingMeta): Promise<ChangeSettingResult> {
  const repo = new UserSettingsRepo(deps.db);
  const before = await repo.getDelivery(userId);
  const overrides = kind === 'digest' && Object.keys(before.digestByMarket).length > 0;
  if (before.notify[kind] === mode && !overrides) return { changed: false, settings: before.notify, delivery: before };
  const settings = await repo.setMode(userId, kind, mode);
  await audited(deps, userId, meta, kind, before.notify[kind], mode);
  return { changed: true, settings, delivery: { ...before, notify: settings, digestByMarket: kind === 'digest' ? {} : before.digestByMarket } };
}

/** Changes one market's digest mode (`/settings digest kr silent`); audited as setting `digest.<market>`. */
export async function changeDigestMarket(deps: ChangeSettingDeps, userId: number, market: Market, mode: NotifyMode, meta: ChangeSettingMeta): Promise<ChangeSettingResult> {
  const repo = new UserSettingsRepo(deps.db);
  const before = await repo.getDelivery(userId);
  if (before.digestByMarket[market] === mode) return { changed: false, settings: before.notify, delivery: before };
  const delivery = await repo.setDigestMarket(userId, market, mode);
  await audited(deps, userId, meta, `digest.${market.toLowerCase()}`, before.digestByMarket[market] ?? `${before.notify.digest} (all markets)`, mode);
  return { changed: true, settings: delivery.notify, delivery };
}

/** Sets or (null) removes the quiet hours; audited as setting `quiet`. */
export async function changeQuiet(deps: ChangeSettingDeps, userId: number, quiet: QuietHours | null, meta: ChangeSettingMeta): Promise<ChangeSettingResult> {
  const repo = new UserSettingsRepo(deps.db);
  const before = await repo.getDelivery(userId);
  const text = (q: QuietHours | null) => (q ? quietText(q) : 'off');
  if (text(before.quiet) === text(quiet)) return { changed: false, settings: before.notify, delivery: before };
  const delivery = await repo.setQuiet(userId, quiet);
  await audited(deps, userId, meta, 'quiet', text(before.quiet), text(quiet));
  return { changed: true, settings: delivery.notify, delivery };
}

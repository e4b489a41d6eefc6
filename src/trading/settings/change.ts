import type { SqlSession } from '../../adapters/db/port.js';
import type { AuditLog } from '../audit/audit-log.js';
import { UserSettingsRepo } from './repo.js';
import type { NotifyKind, NotifyMode, NotifySettings } from './schema.js';

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
}

/**
 * Changes one notification setting of `userId` (each user only ever changes
 * their own) and audits it when it changed. Setting the current value again
 * changes and audits nothing. A failed audit append is logged, not thrown:
 * the change itself is saved.
 */
export async function changeSetting(deps: ChangeSettingDeps, userId: number, kind: NotifyKind, mode: NotifyMode, meta: ChangeSettingMeta): Promise<ChangeSettingResult> {
  const repo = new UserSettingsRepo(deps.db);
  const before = await repo.get(userId);
  if (before[kind] === mode) return { changed: false, settings: before };
  const settings = await repo.setMode(userId, kind, mode);
  await deps.audit
    .append({ action: 'settings.changed', actor: userId, chatId: meta.chatId, updateId: meta.updateId, setting: kind, from: before[kind], to: mode, via: meta.via })
    .catch((err: unknown) => deps.log.error({ err }, 'could not audit a settings change'));
  return { changed: true, settings };
}

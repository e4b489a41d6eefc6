import type { SqlSession } from '../../adapters/db/port.js';
import type { Role } from '../../lib/roles.js';
import { UserSettingsRepo } from './repo.js';
import type { NotifyKind } from './schema.js';

/** Someone to send a broadcast notification to, and how. */
export interface Recipient {
  /** The user's private chat with the bot (equal to the user id in Telegram). */
  chatId: number;
  userId: number;
  role: Role;
  /** Send with `disable_notification` (the user chose "silent"). */
  silent: boolean;
}

/**
 * Who gets a broadcast of `kind` (a scheduled digest, a fill notification):
 * every allow-listed user whose setting for it is not `off`, in user id order.
 *
 * Defaults: a user who never opened /settings gets everything, with sound
 * (`on`), whatever their role — viewers included, since a digest shows
 * nothing beyond what /status and /picks already show them. Stored settings
 * of users no longer on the allow list are ignored: removing someone from
 * TELEGRAM_ALLOWED_USER_IDS stops their notifications at once.
 */
export async function recipientsFor(kind: NotifyKind, db: SqlSession, allowList: ReadonlyMap<number, Role>): Promise<Recipient[]> {
  const ids = [...allowList.keys()].sort((a, b) => a - b);
  const settings = await new UserSettingsRepo(db).getMany(ids);
  const out: Recipient[] = [];
  for (const userId of ids) {
    const mode = settings.get(userId)?.[kind] ?? 'on';
    if (mode === 'off') continue;
    out.push({ chatId: userId, userId, role: allowList.get(userId)!, silent: mode === 'silent' });
  }
  return out;
}

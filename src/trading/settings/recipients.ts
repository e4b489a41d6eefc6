import type { SqlSession } from '../../adapters/db/port.js';
import type { Market } from '../../engine/market/markets.js';
import type { Role } from '../../lib/roles.js';
import { isQuietAt } from './quiet.js';
import { UserSettingsRepo } from './repo.js';
import { digestModeFor, type NotifyKind, type NotifyMode } from './schema.js';

/** Someone to send a broadcast notification to, and how. */
export interface Recipient {
  /** The user's private chat with the bot (equal to the user id in Telegram). */
  chatId: number;
  userId: number;
  role: Role;
  /** Send with `disable_notification` (the user chose "silent"). */
  silent: boolean;
}

/** What a scheduled broadcast is, for choosing its recipients. */
export interface BroadcastOptions {
  /**
   * The market a digest is about: each user's choice for that market
   * (`/settings digest kr off`) applies, else their all-markets one. Absent:
   * the all-markets choice alone (as before markets).
   */
  market?: Market;
  /**
   * When the broadcast is sent. With it, digests and the weekly review are
   * held back from chats whose quiet hours hold that instant. Never applied to
   * fills: a confirmation of the user's own tap is always sent.
   */
  at?: Date;
}

/** Kinds that quiet hours hold back: summaries that can wait, never safety news or fills. */
const QUIETABLE: ReadonlySet<NotifyKind> = new Set(['digest', 'review']);

/** Who gets a scheduled broadcast, and who was held back by their quiet hours (user ids). */
export interface BroadcastPlan {
  recipients: Recipient[];
  /** Users whose mode would send it but whose quiet hours hold `at` (in user id order). */
  quiet: number[];
}

/**
 * Who gets a broadcast of `kind` (a scheduled digest, a fill notification):
 * every allow-listed user whose setting for it is not `off`, in user id order.
 *
 * Defaults: a user who never opened /settings gets everything, with sound
 * (`on`), whatever their role — viewers included, since a digest shows
 * nothing beyond what /status and /picks already show them — and has no
 * quiet hours. Stored settings of users no longer on the allow list are
 * ignored: removing someone from TELEGRAM_ALLOWED_USER_IDS stops their
 * notifications at once. See {@link BroadcastOptions} for per-market digests
 * and quiet hours.
 */
export async function recipientsFor(kind: NotifyKind, db: SqlSession, allowList: ReadonlyMap<number, Role>, opts: BroadcastOptions = {}): Promise<Recipient[]> {
  return (await broadcastPlan(kind, db, allowList, opts)).recipients;
}

/** {@link recipientsFor}, also naming who quiet hours held back (for the job's log). */
export async function broadcastPlan(kind: NotifyKind, db: SqlSession, allowList: ReadonlyMap<number, Role>, opts: BroadcastOptions = {}): Promise<BroadcastPlan> {
  const ids = [...allowList.keys()].sort((a, b) => a - b);
  const settings = await new UserSettingsRepo(db).getManyDelivery(ids);
  const out: BroadcastPlan = { recipients: [], quiet: [] };
  for (const userId of ids) {
    const s = settings.get(userId);
    const mode: NotifyMode = !s ? 'on' : kind === 'digest' && opts.market ? digestModeFor(s, opts.market) : s.notify[kind];
    if (mode === 'off') continue;
    if (opts.at && QUIETABLE.has(kind) && s?.quiet && isQuietAt(s.quiet, opts.at)) {
      out.quiet.push(userId);
      continue;
    }
    out.recipients.push({ chatId: userId, userId, role: allowList.get(userId)!, silent: mode === 'silent' });
  }
  return out;
}

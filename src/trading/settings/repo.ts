import type { SqlSession } from '../../adapters/db/port.js';
import { effectiveSettings, notifyKindSchema, notifyModeSchema, type NotifyKind, type NotifyMode, type NotifySettings } from './schema.js';

/** `user_settings` rows: one jsonb document per Telegram user. */
export class UserSettingsRepo {
  constructor(private readonly db: SqlSession) {}

  /** The user's effective settings; defaults when they never changed anything. */
  async get(userId: number): Promise<NotifySettings> {
    const rows = await this.db.rows<{ settings: unknown }>(`SELECT settings FROM user_settings WHERE user_id = $1`, [userId]);
    return effectiveSettings(rows[0]?.settings);
  }

  /** Effective settings of several users at once (missing users get the defaults). */
  async getMany(userIds: readonly number[]): Promise<Map<number, NotifySettings>> {
    const out = new Map<number, NotifySettings>();
    if (userIds.length === 0) return out;
    const rows = await this.db.rows<{ user_id: string; settings: unknown }>(`SELECT user_id::text AS user_id, settings FROM user_settings WHERE user_id = ANY($1::bigint[])`, [
      userIds.map(String),
    ]);
    const stored = new Map(rows.map((r) => [Number(r.user_id), r.settings]));
    for (const id of userIds) out.set(id, effectiveSettings(stored.get(id)));
    return out;
  }

  /**
   * Sets one notification mode, validated, in one statement: only
   * `settings.notify.<kind>` changes, so two taps on different settings (or
   * another feature's keys in the same row) never overwrite each other.
   * Returns the effective settings after the change.
   */
  async setMode(userId: number, kind: NotifyKind, mode: NotifyMode): Promise<NotifySettings> {
    const k = notifyKindSchema.parse(kind);
    const m = notifyModeSchema.parse(mode);
    if (!Number.isSafeInteger(userId) || userId <= 0) throw new RangeError(`user id must be a positive integer, got ${userId}`);
    const rows = await this.db.rows<{ settings: unknown }>(
      `INSERT INTO user_settings AS u (user_id, settings, updated_at)
       VALUES ($1, jsonb_build_object('notify', jsonb_build_object($2::text, $3::text)), now())
       ON CONFLICT (user_id) DO UPDATE SET
         settings = jsonb_set(
           CASE WHEN jsonb_typeof(u.settings) = 'object' THEN u.settings ELSE '{}'::jsonb END,
           '{notify}',
           CASE WHEN jsonb_typeof(u.settings -> 'notify') = 'object' THEN u.settings -> 'notify' ELSE '{}'::jsonb END
             || jsonb_build_object($2::text, $3::text)),
         updated_at = now()
       RETURNING settings`,
      [userId, k, m],
    );
    return effectiveSettings(rows[0]?.settings);
  }
}

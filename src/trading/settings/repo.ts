import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgJson, pgText } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { effectiveSettings, notifyKindSchema, notifyModeSchema, type NotifyKind, type NotifyMode, type NotifySettings } from './schema.js';

/** The stored jsonb document; {@link effectiveSettings} validates it (an invalid one reads as the defaults). */
const SettingsRow = z.object({ settings: pgJson });
/** `user_id` is bigint, cast to text in the statement. */
const UserSettingsRow = z.object({ user_id: pgText, settings: pgJson });

/** `user_settings` rows: one jsonb document per Telegram user. */
export class UserSettingsRepo {
  constructor(private readonly db: SqlSession) {}

  /** The user's effective settings; defaults when they never changed anything. */
  async get(userId: number): Promise<NotifySettings> {
    const row = await rowOf(this.db, SettingsRow, `SELECT settings FROM user_settings WHERE user_id = $1`, [userId]);
    return effectiveSettings(row?.settings);
  }

  /** Effective settings of several users at once (missing users get the defaults). */
  async getMany(userIds: readonly number[]): Promise<Map<number, NotifySettings>> {
    const out = new Map<number, NotifySettings>();
    if (userIds.length === 0) return out;
    const rows = await rowsOf(this.db, UserSettingsRow, `SELECT user_id::text AS user_id, settings FROM user_settings WHERE user_id = ANY($1::bigint[])`, [userIds.map(String)]);
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
    const row = await rowOf(
      this.db,
      SettingsRow,
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
    return effectiveSettings(row?.settings);
  }
}

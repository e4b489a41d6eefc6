import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgJson, pgText } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import type { Market } from '../../engine/market/markets.js';
import {
  clockMinutes,
  DIGEST_MARKETS,
  effectiveDelivery,
  effectiveSettings,
  knownZone,
  notifyKindSchema,
  notifyModeSchema,
  type DeliverySettings,
  type NotifyKind,
  type NotifyMode,
  type NotifySettings,
  type QuietHours,
} from './schema.js';

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
    const stored = await this.storedMany(userIds);
    return new Map(userIds.map((id) => [id, effectiveSettings(stored.get(id))]));
  }

  /** The user's delivery settings: modes, per-market digest choices and quiet hours (defaults when never changed). */
  async getDelivery(userId: number): Promise<DeliverySettings> {
    const row = await rowOf(this.db, SettingsRow, `SELECT settings FROM user_settings WHERE user_id = $1`, [userId]);
    return effectiveDelivery(row?.settings);
  }

  /** Delivery settings of several users at once (missing users get the defaults). */
  async getManyDelivery(userIds: readonly number[]): Promise<Map<number, DeliverySettings>> {
    const stored = await this.storedMany(userIds);
    return new Map(userIds.map((id) => [id, effectiveDelivery(stored.get(id))]));
  }

  private async storedMany(userIds: readonly number[]): Promise<Map<number, unknown>> {
    if (userIds.length === 0) return new Map();
    const rows = await rowsOf(this.db, UserSettingsRow, `SELECT user_id::text AS user_id, settings FROM user_settings WHERE user_id = ANY($1::bigint[])`, [userIds.map(String)]);
    return new Map(rows.map((r) => [Number(r.user_id), r.settings]));
  }

  /** One market's digest mode (`settings.notify.digestByMarket.<market>`), changed in one statement like {@link setMode}. */
  async setDigestMarket(userId: number, market: Market, mode: NotifyMode): Promise<DeliverySettings> {
    if (!(DIGEST_MARKETS as readonly string[]).includes(market)) throw new RangeError(`market must be one of ${DIGEST_MARKETS.join(', ')}, got ${String(market).slice(0, 10)}`);
    const m = notifyModeSchema.parse(mode);
    checkUser(userId);
    const row = await rowOf(
      this.db,
      SettingsRow,
      `INSERT INTO user_settings AS u (user_id, settings, updated_at)
       VALUES ($1, jsonb_build_object('notify', jsonb_build_object('digestByMarket', jsonb_build_object($2::text, $3::text))), now())
       ON CONFLICT (user_id) DO UPDATE SET
         settings = jsonb_set(
           CASE WHEN jsonb_typeof(u.settings) = 'object' THEN u.settings ELSE '{}'::jsonb END,
           '{notify}',
           (CASE WHEN jsonb_typeof(u.settings -> 'notify') = 'object' THEN u.settings -> 'notify' ELSE '{}'::jsonb END)
             || jsonb_build_object('digestByMarket',
                  (CASE WHEN jsonb_typeof(u.settings -> 'notify' -> 'digestByMarket') = 'object' THEN u.settings -> 'notify' -> 'digestByMarket' ELSE '{}'::jsonb END)
                    || jsonb_build_object($2::text, $3::text))),
         updated_at = now()
       RETURNING settings`,
      [userId, market, m],
    );
    return effectiveDelivery(row?.settings);
  }

  /** Sets (or with null, removes) the quiet hours (`settings.notify.quiet`); other keys are left alone. */
  async setQuiet(userId: number, quiet: QuietHours | null): Promise<DeliverySettings> {
    checkUser(userId);
    if (quiet !== null) {
      const from = clockMinutes(quiet.from);
      const to = clockMinutes(quiet.to);
      if (from === null || to === null || from === to || knownZone(quiet.zone) !== quiet.zone) throw new RangeError(`quiet hours must be two different HH:MM times and a known zone, got ${JSON.stringify(quiet).slice(0, 80)}`);
    }
    const value = quiet === null ? null : JSON.stringify({ from: quiet.from, to: quiet.to, zone: quiet.zone });
    const row = await rowOf(
      this.db,
      SettingsRow,
      `INSERT INTO user_settings AS u (user_id, settings, updated_at)
       VALUES ($1, CASE WHEN $2::jsonb IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('notify', jsonb_build_object('quiet', $2::jsonb)) END, now())
       ON CONFLICT (user_id) DO UPDATE SET
         settings = jsonb_set(
           CASE WHEN jsonb_typeof(u.settings) = 'object' THEN u.settings ELSE '{}'::jsonb END,
           '{notify}',
           CASE WHEN $2::jsonb IS NULL
                THEN (CASE WHEN jsonb_typeof(u.settings -> 'notify') = 'object' THEN u.settings -> 'notify' ELSE '{}'::jsonb END) - 'quiet'
                ELSE (CASE WHEN jsonb_typeof(u.settings -> 'notify') = 'object' THEN u.settings -> 'notify' ELSE '{}'::jsonb END) || jsonb_build_object('quiet', $2::jsonb) END),
         updated_at = now()
       RETURNING settings`,
      [userId, value],
    );
    return effectiveDelivery(row?.settings);
  }

  /**
   * Sets one notification mode, validated, in one statement: only
   * `settings.notify.<kind>` changes, so two taps on different settings (or
   * another feature's keys in the same row) never overwrite each other.
   * `digest` is the all-markets choice: setting it also drops the per-market
   * ones (`digestByMarket`), so "/settings digest off" means every market.
   * Returns the effective settings after the change.
   */
  async setMode(userId: number, kind: NotifyKind, mode: NotifyMode): Promise<NotifySettings> {
    const k = notifyKindSchema.parse(kind);
    const m = notifyModeSchema.parse(mode);
    checkUser(userId);
    // `- 'digestByMarket'` on a notify object without it changes nothing.
    const drop = k === 'digest' ? ` - 'digestByMarket'` : '';
    const row = await rowOf(
      this.db,
      SettingsRow,
      `INSERT INTO user_settings AS u (user_id, settings, updated_at)
       VALUES ($1, jsonb_build_object('notify', jsonb_build_object($2::text, $3::text)), now())
       ON CONFLICT (user_id) DO UPDATE SET
         settings = jsonb_set(
           CASE WHEN jsonb_typeof(u.settings) = 'object' THEN u.settings ELSE '{}'::jsonb END,
           '{notify}',
           (CASE WHEN jsonb_typeof(u.settings -> 'notify') = 'object' THEN u.settings -> 'notify' ELSE '{}'::jsonb END
             || jsonb_build_object($2::text, $3::text))${drop}),
         updated_at = now()
       RETURNING settings`,
      [userId, k, m],
    );
    return effectiveSettings(row?.settings);
  }
}

function checkUser(userId: number): void {
  if (!Number.isSafeInteger(userId) || userId <= 0) throw new RangeError(`user id must be a positive integer, got ${userId}`);
}

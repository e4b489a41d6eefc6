import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgNumeric, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';

/** How long a confirmation stays valid unless the issuer says otherwise. */
export const CONFIRM_TTL_MS = 5 * 60_000;

/** Tokens are deleted this long after they expired (kept a while so a late press is still answered "expired", not "unknown"). */
const KEEP_EXPIRED_MS = 7 * 24 * 3_600_000;

/**
 * What a confirmation confirms: an action on a subject, e.g.
 * `killswitch.resume` on `kill-switch`, later `position.close` on
 * `position:ABC/donchian` or `hypothesis.promote` on `hypothesis:<id>`.
 */
export interface ConfirmBinding {
  action: string;
  subject: string;
}

export interface IssueRequest extends ConfirmBinding {
  /** The version of the subject's state the person is shown (for the kill switch: its epoch). */
  version: number;
  /** Who was asked (Telegram user id, web user), for the record. */
  issuedBy: number | string | null;
  /** Default {@link CONFIRM_TTL_MS}. */
  ttlMs?: number;
}

/** A token to put in a button (22 URL-safe characters: fits signed Telegram callback data). */
export interface IssuedConfirmation {
  id: string;
  version: number;
  expiresAt: Date;
}

/** The subject's state now, as the redeemer read it. `version` null: unknown (never matches). */
export interface CurrentVersion {
  version: number | null;
  /** When the subject last changed (told to the person when the token is stale). */
  changedAt: Date | null;
}

/** Why a token did not confirm anything; nothing changed. */
export type ConfirmRefusal =
  /** No such token for this action and subject (forged, from before tokens, or another action's). */
  | { kind: 'unknown' }
  /** Spent already: confirmed once, or cancelled. */
  | { kind: 'used'; how: 'redeemed' | 'cancelled'; usedAt: Date }
  | { kind: 'expired'; expiredAt: Date }
  /** The subject changed since the token was issued. */
  | { kind: 'stale'; version: number; currentVersion: number | null; changedAt: Date | null };

/** `ok`: this call, and no other, spent the token for `version`. */
export type RedeemVerdict = { kind: 'ok'; version: number } | ConfirmRefusal;

export type CancelVerdict = { kind: 'cancelled' } | Exclude<ConfirmRefusal, { kind: 'stale' }>;

const TokenRow = z.object({
  version: pgNumeric,
  expires_at: pgTimestamp,
  used_at: pgTimestamp.nullable(),
  outcome: z.enum(['redeemed', 'cancelled']).nullable(),
});
type TokenRow = z.output<typeof TokenRow>;
const FIND_SQL = `SELECT version::text AS version, expires_at, used_at, outcome FROM confirmations WHERE id = $1 AND action = $2 AND subject = $3`;

/** The version the winning press spent (`version::text`). */
const WonRow = z.object({ version: pgNumeric });
const REDEEM_SQL = `UPDATE confirmations SET used_at = $5, used_by = $6, outcome = 'redeemed'
          WHERE id = $1 AND action = $2 AND subject = $3 AND version = $4 AND used_at IS NULL AND expires_at > $5
          RETURNING version::text AS version`;

/**
 * The one confirmation mechanism (DESIGN §4.5) for every confirm, in chat
 * and on the web: a token bound to (action, subject, state version), single
 * use, expiring. Spending it is one conditional UPDATE, so of any number of
 * concurrent presses exactly one wins. A press for a version that is no
 * longer current is refused and leaves the token as it was.
 */
export class Confirmations {
  private readonly now: () => Date;
  private readonly log: Pick<Logger, 'debug'> | undefined;

  constructor(
    private readonly db: SqlSession,
    opts: { now?: () => Date; log?: Pick<Logger, 'debug'> } = {},
  ) {
    this.now = opts.now ?? (() => new Date());
    this.log = opts.log;
  }

  async issue(req: IssueRequest): Promise<IssuedConfirmation> {
    const now = this.now();
    const id = randomBytes(16).toString('base64url');
    const expiresAt = new Date(now.getTime() + (req.ttlMs ?? CONFIRM_TTL_MS));
    await this.db.exec(
      `INSERT INTO confirmations (id, action, subject, version, issued_by, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, req.action, req.subject, req.version, req.issuedBy === null ? null : String(req.issuedBy), now, expiresAt],
    );
    // Housekeeping rides on issuing (rare, indexed): no separate job to schedule.
    await this.db
      .exec(`DELETE FROM confirmations WHERE expires_at < $1`, [new Date(now.getTime() - KEEP_EXPIRED_MS)])
      .catch((err: unknown) => this.log?.debug({ err }, 'old confirmations not deleted: the token was issued; the next issue deletes them'));
    return { id, version: req.version, expiresAt };
  }

  /** Spends the token if it is unspent, unexpired, bound to `binding` and issued for `current.version`. */
  async redeem(id: string, binding: ConfirmBinding, current: CurrentVersion, by: number | string | null): Promise<RedeemVerdict> {
    const now = this.now();
    if (current.version !== null) {
      const won = await rowOf(this.db, WonRow, REDEEM_SQL, [id, binding.action, binding.subject, current.version, now, by === null ? null : String(by)]);
      if (won) return { kind: 'ok', version: Number(won.version) };
    }
    const row = await this.find(id, binding);
    if (!row) return { kind: 'unknown' };
    if (row.used_at && row.outcome) return { kind: 'used', how: row.outcome, usedAt: row.used_at };
    const version = Number(row.version);
    if (version !== current.version) return { kind: 'stale', version, currentVersion: current.version, changedAt: current.changedAt };
    return { kind: 'expired', expiredAt: row.expires_at };
  }

  /** Spends the token without acting (the Cancel button): its Confirm does nothing afterwards. */
  async cancel(id: string, binding: ConfirmBinding, by: number | string | null): Promise<CancelVerdict> {
    const now = this.now();
    const n = await this.db.exec(
      `UPDATE confirmations SET used_at = $4, used_by = $5, outcome = 'cancelled' WHERE id = $1 AND action = $2 AND subject = $3 AND used_at IS NULL AND expires_at > $4`,
      [id, binding.action, binding.subject, now, by === null ? null : String(by)],
    );
    if (n > 0) return { kind: 'cancelled' };
    const row = await this.find(id, binding);
    if (!row) return { kind: 'unknown' };
    if (row.used_at && row.outcome) return { kind: 'used', how: row.outcome, usedAt: row.used_at };
    return { kind: 'expired', expiredAt: row.expires_at };
  }

  private async find(id: string, binding: ConfirmBinding): Promise<TokenRow | undefined> {
    return rowOf(this.db, TokenRow, FIND_SQL, [id, binding.action, binding.subject]);
  }
}

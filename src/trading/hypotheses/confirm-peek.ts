import { z } from 'zod';
import type { UnitOfWork } from '../../adapters/db/port.js';
import { pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';

/** A confirm token as a hypothesis button reads it before redeeming: what it is bound to and whether it was used. */
const TokenPeekRow = z.object({
  subject: pgText,
  version: pgText,
  used_at: pgTimestamp.nullable(),
  outcome: z.enum(['redeemed', 'cancelled']).nullable(),
});
export type TokenPeek = z.output<typeof TokenPeekRow>;

/**
 * Reads a confirm token of one action without spending it, so a tap can be
 * told apart as stale (the hypothesis moved), already used or unknown
 * before anything changes.
 */
export async function peekToken(db: UnitOfWork, tokenId: string, action: string): Promise<TokenPeek | null> {
  const row = await rowOf(db, TokenPeekRow, `SELECT subject, version::text AS version, used_at, outcome FROM confirmations WHERE id = $1 AND action = $2`, [tokenId, action]);
  return row ?? null;
}

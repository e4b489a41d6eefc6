import type { UnitOfWork } from '../../adapters/db/port.js';

/** A confirm token as a hypothesis button reads it before redeeming: what it is bound to and whether it was used. */
export interface TokenPeek {
  subject: string;
  version: string;
  used_at: Date | null;
  outcome: 'redeemed' | 'cancelled' | null;
}

/**
 * Reads a confirm token of one action without spending it, so a tap can be
 * told apart as stale (the hypothesis moved), already used or unknown
 * before anything changes.
 */
export async function peekToken(db: UnitOfWork, tokenId: string, action: string): Promise<TokenPeek | null> {
  const rows = await db.rows<TokenPeek>(`SELECT subject, version::text AS version, used_at, outcome FROM confirmations WHERE id = $1 AND action = $2`, [tokenId, action]);
  return rows[0] ?? null;
}

import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgText } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';

/**
 * Where an approval came from, as Postgres keeps it: who approved it, its
 * pick and symbol, and — for one queued for the open — the chat it was queued
 * from (`queued_orders.chat_id`). The chat of a direct Approve tap is not in
 * Postgres: it rides in the execution job's data (`exec-<approval id>`), which
 * a face can read; the approver's private chat is the last resort.
 */
export interface ApprovalOrigin {
  approvalId: string;
  pickId: string;
  /** The pick's symbol; null when the pick row is gone. */
  symbol: string | null;
  /** Telegram user id of the approver (also their private chat id). */
  approvedBy: number;
  /** The chat an approval queued for the open was queued from; null for a direct approval. */
  queuedChatId: number | null;
}

/** The approval, its pick's symbol (null: pick row gone) and the chat it was queued from; ids of chats and users as text (bigint). */
const OriginRow = z.object({ pick_id: pgText, symbol: pgText.nullable(), approved_by: pgText, queued_chat: pgText.nullable() });

export async function approvalOrigin(db: SqlSession, approvalId: string): Promise<ApprovalOrigin | null> {
  const r = await rowOf(
    db,
    OriginRow,
    `SELECT a.pick_id, p.symbol, a.approved_by::text AS approved_by,
            (SELECT q.chat_id::text FROM queued_orders q WHERE q.approval_id = a.id LIMIT 1) AS queued_chat
       FROM approvals a LEFT JOIN picks p ON p.id = a.pick_id WHERE a.id = $1`,
    [approvalId],
  );
  if (!r) return null;
  return { approvalId, pickId: r.pick_id, symbol: r.symbol, approvedBy: Number(r.approved_by), queuedChatId: r.queued_chat === null ? null : Number(r.queued_chat) };
}

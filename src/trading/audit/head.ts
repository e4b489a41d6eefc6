import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import { pgNumeric, pgText } from '../../lib/sql-columns.js';
import { rowOf } from '../../lib/sql-rows.js';

/** A point of the chain: a row's seq and hash (the anchor's is seq 0 and the genesis hash while the log is empty). */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** A head someone kept (from a digest): a seq and the first hex digits of its hash. */
export interface HeadRef {
  seq: number;
  hashPrefix: string;
}

/** Fewest hex digits `--expect-head` accepts: fewer would be easy to forge (digests show 12). */
export const MIN_HEAD_PREFIX = 8;
/** How many hex digits of the head hash a digest shows. */
export const DIGEST_HEAD_PREFIX = 12;

/** Parses `<seq>:<hex prefix>` (e.g. `1234:3f2a9c0d1e2f`); null when malformed. */
export function parseHeadRef(text: string): HeadRef | null {
  const m = /^#?(\d{1,15}):([0-9a-fA-F]+)…?$/.exec(text.trim());
  if (!m) return null;
  const seq = Number(m[1]);
  const hashPrefix = m[2]!.toLowerCase();
  if (seq < 1 || hashPrefix.length < MIN_HEAD_PREFIX || hashPrefix.length > 64) return null;
  return { seq, hashPrefix };
}

/** `seq` is bigint: text from the driver. */
const HeadRow = z.object({ seq: pgNumeric, hash: pgText });
const HEAD_SQL = 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1';

/** The chain's last row, or null while the log is empty. */
export async function readAuditHead(db: SqlSession): Promise<AuditHead | null> {
  const r = await rowOf(db, HeadRow, HEAD_SQL);
  return r ? { seq: Number(r.seq), hash: r.hash } : null;
}

/** What a kept head says about the chain now. */
export type HeadCheck =
  | { ref: HeadRef; status: 'match'; hash: string }
  /** The row is there with another hash: it, or a row before it, was rewritten. */
  | { ref: HeadRef; status: 'mismatch'; hash: string }
  /** No such row: the chain was cut (or rewritten shorter) since. `chainEnd` is its last seq. */
  | { ref: HeadRef; status: 'missing'; chainEnd: number };

/** Why the chain's end and the anchor row disagree (codes and figures; the CLI words them). */
export type AnchorIssue =
  /** The anchor row is gone (deleted or truncated with the triggers off). */
  | { code: 'anchor_missing'; chainEnd: number }
  /** The chain ends before the anchor: rows chainEnd+1…anchorSeq were deleted or truncated. */
  | { code: 'tail_missing'; chainEnd: number; anchorSeq: number }
  /** Rows from…to exist past the anchor: written with the triggers off. */
  | { code: 'rows_unanchored'; from: number; to: number }
  /** Same seq, another hash: the tail was rewritten. */
  | { code: 'head_mismatch'; seq: number; chainHash: string; anchorHash: string };

/** Compares the end of a chain that verified with the anchor row; null when they agree. */
export function compareWithAnchor(end: AuditHead, anchor: AuditHead | null): AnchorIssue | null {
  if (!anchor) return { code: 'anchor_missing', chainEnd: end.seq };
  if (end.seq < anchor.seq) return { code: 'tail_missing', chainEnd: end.seq, anchorSeq: anchor.seq };
  if (end.seq > anchor.seq) return { code: 'rows_unanchored', from: anchor.seq + 1, to: end.seq };
  if (end.hash !== anchor.hash) return { code: 'head_mismatch', seq: end.seq, chainHash: end.hash, anchorHash: anchor.hash };
  return null;
}

import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/** prev_hash of the first row. */
export const GENESIS_HASH = '0'.repeat(64);

/** hash = SHA-256 over the canonical JSON of { prev_hash, payload }. */
export function chainHash(prevHash: string, payload: unknown): string {
  return createHash('sha256').update(canonicalJson({ payload, prev_hash: prevHash })).digest('hex');
}

export interface ChainRow {
  seq: number;
  prevHash: string;
  hash: string;
  payload: unknown;
}

/** How a run of rows breaks: a seq skipped, a row re-linked (prev_hash), or a row edited (hash). */
export type ChainBreak = 'seq_gap' | 'prev_mismatch' | 'hash_mismatch';

/**
 * A run of rows checked. On a break, `brokenAt` is the first bad row's seq and
 * `expectedSeq` the seq that should have been there (on a gap, rows
 * expectedSeq…brokenAt−1 are missing).
 */
export type ChainVerdict =
  | { ok: true; rows: number; head: string }
  | { ok: false; rows: number; brokenAt: number; problem: string; code: ChainBreak; expectedSeq: number };

/**
 * Checks a run of rows (ascending seq). `expectedPrev` is the hash the first
 * row must point at (GENESIS_HASH when starting at the beginning).
 */
export function verifyRows(rows: Iterable<ChainRow>, expectedPrev = GENESIS_HASH, expectedSeq = 1): ChainVerdict {
  let prev = expectedPrev;
  let seq = expectedSeq;
  let count = 0;
  for (const row of rows) {
    count++;
    const broken = (code: ChainBreak, problem: string): ChainVerdict => ({ ok: false, rows: count, brokenAt: row.seq, problem, code, expectedSeq: seq });
    if (row.seq !== seq) return broken('seq_gap', `sequence gap: expected seq ${seq}, found ${row.seq}`);
    if (row.prevHash !== prev) return broken('prev_mismatch', 'prev_hash does not match the previous row (row inserted, deleted or reordered)');
    if (chainHash(row.prevHash, row.payload) !== row.hash) return broken('hash_mismatch', 'hash does not match payload (row edited)');
    prev = row.hash;
    seq++;
  }
  return { ok: true, rows: count, head: prev };
}

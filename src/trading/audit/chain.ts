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

export type ChainVerdict =
  | { ok: true; rows: number; head: string }
  | { ok: false; rows: number; brokenAt: number; problem: string };

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
    if (row.seq !== seq) return { ok: false, rows: count, brokenAt: row.seq, problem: `sequence gap: expected seq ${seq}, found ${row.seq}` };
    if (row.prevHash !== prev) return { ok: false, rows: count, brokenAt: row.seq, problem: 'prev_hash does not match the previous row (row inserted, deleted or reordered)' };
    if (chainHash(row.prevHash, row.payload) !== row.hash) return { ok: false, rows: count, brokenAt: row.seq, problem: 'hash does not match payload (row edited)' };
    prev = row.hash;
    seq++;
  }
  return { ok: true, rows: count, head: prev };
}

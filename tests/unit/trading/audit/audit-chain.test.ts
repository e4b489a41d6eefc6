import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../src/trading/audit/canonical-json.js';
import { chainHash, GENESIS_HASH, verifyRows, type ChainRow } from '../../../../src/trading/audit/chain.js';

function build(payloads: unknown[]): ChainRow[] {
  let prev = GENESIS_HASH;
  return payloads.map((payload, i) => {
    const hash = chainHash(prev, payload);
    const row = { seq: i + 1, prevHash: prev, hash, payload };
    prev = hash;
    return row;
  });
}

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
  it('refuses values with no JSON form', () => {
    expect(() => canonicalJson({ x: NaN })).toThrow(/no JSON form/);
    expect(() => canonicalJson({ x: () => 1 })).toThrow(/no JSON form/);
  });
});

describe('hash chain', () => {
  it('hashes SHA-256 over canonical {prev_hash, payload}', () => {
    const expected = createHash('sha256').update(`{"payload":{"a":1},"prev_hash":"${GENESIS_HASH}"}`).digest('hex');
    expect(chainHash(GENESIS_HASH, { a: 1 })).toBe(expected);
  });

  it('verifies an intact chain', () => {
    const rows = build([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(verifyRows(rows)).toEqual({ ok: true, rows: 3, head: rows[2]!.hash });
  });

  it('reports the first edited, deleted or reordered row', () => {
    const edited = build([{ a: 1 }, { b: 2 }, { c: 3 }]);
    edited[1] = { ...edited[1]!, payload: { b: 3 } };
    expect(verifyRows(edited)).toMatchObject({ ok: false, brokenAt: 2, problem: expect.stringMatching(/edited/) });

    const deleted = build([{ a: 1 }, { b: 2 }, { c: 3 }]);
    deleted.splice(1, 1);
    expect(verifyRows(deleted)).toMatchObject({ ok: false, brokenAt: 3 });

    const swapped = build([{ a: 1 }, { b: 2 }, { c: 3 }]);
    const relinked = [swapped[0]!, { ...swapped[2]!, seq: 2 }, { ...swapped[1]!, seq: 3 }];
    expect(verifyRows(relinked)).toMatchObject({ ok: false, brokenAt: 2 });
  });
});

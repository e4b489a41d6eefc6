import { describe, expect, it } from 'vitest';
import { compareWithAnchor, parseHeadRef } from '../../../../src/trading/audit/head.js';
import { issueText } from '../../../../src/cli/commands/audit.js';

const H = (c: string) => c.repeat(64);

describe('parseHeadRef (`--expect-head`)', () => {
  it('reads <seq>:<hex prefix> as a digest prints it, with or without # and …', () => {
    expect(parseHeadRef('1234:3f2a9c0d1e2f')).toEqual({ seq: 1234, hashPrefix: '3f2a9c0d1e2f' });
    expect(parseHeadRef('#1234:3F2A9C0D1E2F…')).toEqual({ seq: 1234, hashPrefix: '3f2a9c0d1e2f' });
  });
  it('refuses short prefixes (easy to forge), seq 0, and anything else', () => {
    for (const bad of ['1234:3f2a9c', '0:3f2a9c0d1e2f', 'nine', '12:zzzzzzzzzzzz', '12', `12:${'a'.repeat(65)}`]) expect(parseHeadRef(bad)).toBeNull();
  });
});

describe('compareWithAnchor', () => {
  it('agrees only when the chain ends exactly at the anchored row', () => {
    expect(compareWithAnchor({ seq: 4, hash: H('a') }, { seq: 4, hash: H('a') })).toBeNull();
    expect(compareWithAnchor({ seq: 0, hash: H('0') }, { seq: 0, hash: H('0') })).toBeNull();
  });
  it('names a cut tail, a truncated table, unanchored rows, a rewritten head and a missing anchor', () => {
    expect(compareWithAnchor({ seq: 41, hash: H('a') }, { seq: 44, hash: H('b') })).toEqual({ code: 'tail_missing', chainEnd: 41, anchorSeq: 44 });
    expect(compareWithAnchor({ seq: 0, hash: H('0') }, { seq: 5, hash: H('b') })).toEqual({ code: 'tail_missing', chainEnd: 0, anchorSeq: 5 });
    expect(compareWithAnchor({ seq: 6, hash: H('a') }, { seq: 4, hash: H('b') })).toEqual({ code: 'rows_unanchored', from: 5, to: 6 });
    expect(compareWithAnchor({ seq: 4, hash: H('a') }, { seq: 4, hash: H('b') })).toMatchObject({ code: 'head_mismatch', seq: 4 });
    expect(compareWithAnchor({ seq: 4, hash: H('a') }, null)).toEqual({ code: 'anchor_missing', chainEnd: 4 });
  });
});

describe('issueText (the CLI words)', () => {
  it('names the missing range', () => {
    expect(issueText({ code: 'tail_missing', chainEnd: 41, anchorSeq: 44 })).toBe('audit_log ends at seq 41 but the anchor says 44: rows 42–44 are missing');
    expect(issueText({ code: 'tail_missing', chainEnd: 43, anchorSeq: 44 })).toBe('audit_log ends at seq 43 but the anchor says 44: row 44 is missing');
    expect(issueText({ code: 'tail_missing', chainEnd: 0, anchorSeq: 5 })).toMatch(/empty but the anchor says 5: rows 1–5 are missing/);
    expect(issueText({ code: 'rows_missing', from: 8, to: 10 })).toMatch(/^rows 8–10 are missing/);
  });
});

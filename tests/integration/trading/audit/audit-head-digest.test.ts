/**
 * Issue 12, item 6: every digest carries the audit head (seq and hash prefix)
 * so a trader holding an old digest can later prove the chain was rewritten,
 * even by someone who could also rewrite the anchor row.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCloseDigest, buildMorningDigest } from '../../../../src/trading/digest/build.js';
import { closeDigestView, morningDigestView } from '../../../../src/bot/views/digest-view.js';
import { chainHash } from '../../../../src/trading/audit/chain.js';
import { makeDigestWorld, type DigestWorld } from '../digest/fixture.js';
import { asSuperuser, runAuditCli } from './support.js';

const NOW = new Date('2026-11-20T08:30:00-05:00');

let w: DigestWorld;
let url: string;
beforeEach(async () => {
  w = await makeDigestWorld();
  url = (w.ds.options as { url: string }).url;
});
afterEach(async () => {
  await w.close();
});

const lastRow = async (): Promise<{ seq: number; hash: string }> =>
  ((await w.ds.query('SELECT seq::int AS seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')) as { seq: number; hash: string }[])[0]!;

/** The digest's last line, e.g. "Audit head #12 · 3f2a9c0d1e2f…", as the `--expect-head` argument "12:3f2a9c0d1e2f". */
function headArgument(text: string): string {
  const m = /Audit head #(\d+) · ([0-9a-f]{12})…$/.exec(text);
  if (!m) throw new Error(`no audit head line at the end of:\n${text}`);
  return `${m[1]}:${m[2]}`;
}

describe('the audit head in digests', () => {
  it('morning and close digests carry the head of the chain and print it on their last line', async () => {
    for (let i = 0; i < 6; i++) await w.audit.append({ action: 'test.digest', actor: 'test', i });
    const head = await lastRow();
    expect(head.seq).toBe(6);

    const morning = await buildMorningDigest(w, { now: NOW, dailyBudget: 1000 });
    expect(morning.auditHead).toEqual({ seq: 6, hash: head.hash });
    const mText = morningDigestView(morning).text;
    expect(mText.split('\n').at(-1)).toBe(`Audit head #6 · ${head.hash.slice(0, 12)}…`);

    await w.audit.append({ action: 'test.digest', actor: 'test', i: 7 });
    const close = await buildCloseDigest(w, { now: NOW });
    expect(close.auditHead).toEqual(await lastRow());
    expect(closeDigestView(close).text.split('\n').at(-1)).toBe(`Audit head #7 · ${(await lastRow()).hash.slice(0, 12)}…`);
  });

  it('says so when the log is still empty', async () => {
    const morning = await buildMorningDigest(w, { now: NOW, dailyBudget: 1000 });
    expect(morning.auditHead).toBeNull();
    expect(morningDigestView(morning).text.split('\n').at(-1)).toBe('Audit log empty');
  });
});

describe('courtside audit verify --expect-head', () => {
  it('accepts the head a digest showed, and catches a chain rewritten (anchor included) after that digest', async () => {
    for (let i = 0; i < 8; i++) await w.audit.append({ action: 'test.rewrite', actor: 'test', amount: 75, i });
    const expected = headArgument(morningDigestView(await buildMorningDigest(w, { now: NOW, dailyBudget: 1000 })).text);
    expect(expected).toMatch(/^8:[0-9a-f]{12}$/);

    const good = await runAuditCli(url, ['verify', '--expect-head', expected]);
    expect(good.code, good.out).toBe(0);
    expect(good.out).toMatch(/#8 .*matches/);

    // The attacker (superuser, triggers off) edits row 3 and re-links every later row and the anchor:
    // a consistent, rewritten chain that plain verify cannot tell from the real one.
    const rows = (await w.ds.query('SELECT seq::int AS seq, prev_hash, payload FROM audit_log ORDER BY seq')) as { seq: number; prev_hash: string; payload: Record<string, unknown> }[];
    let prev = rows[1]!.payload && ((await w.ds.query('SELECT hash FROM audit_log WHERE seq = 2')) as { hash: string }[])[0]!.hash;
    const statements = ['SET session_replication_role = replica'];
    for (const r of rows.filter((x) => x.seq >= 3)) {
      const payload = r.seq === 3 ? { ...r.payload, amount: 7500 } : r.payload;
      const hash = chainHash(prev, payload);
      statements.push(`UPDATE audit_log SET prev_hash = '${prev}', hash = '${hash}', payload = '${JSON.stringify(payload)}'::jsonb WHERE seq = ${r.seq}`);
      prev = hash;
    }
    statements.push(`UPDATE audit_anchor SET hash = '${prev}'`);
    await asSuperuser(url, statements);

    const plain = await runAuditCli(url, ['verify']);
    expect(plain.code, plain.out).toBe(0); // the rewrite is internally consistent: only an outside anchor shows it

    const caught = await runAuditCli(url, ['verify', '--expect-head', expected]);
    expect(caught.code, caught.out).toBe(1);
    expect(caught.out).toMatch(/#8/);
    expect(caught.out).toMatch(/rewritten/);
  });

  it('fails when the digest head is past the end of the chain, and refuses a malformed head (exit 2)', async () => {
    for (let i = 0; i < 3; i++) await w.audit.append({ action: 'test.short', actor: 'test', i });
    const past = await runAuditCli(url, ['verify', '--expect-head', '9:0123456789ab']);
    expect(past.code, past.out).toBe(1);
    expect(past.out).toMatch(/#9/);
    const malformed = await runAuditCli(url, ['verify', '--expect-head', 'nine']);
    expect(malformed.code, malformed.out).toBe(2);
  });
});

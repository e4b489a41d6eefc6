import { parseArgs } from 'node:util';
import { AuditLog, type AuditIssue, type AuditVerdict } from '../../trading/audit/audit-log.js';
import { DIGEST_HEAD_PREFIX, MIN_HEAD_PREFIX, parseHeadRef, type HeadCheck, type HeadRef } from '../../trading/audit/head.js';
import { loadConfig } from '../../app/config/config.js';
import { createDataSource } from '../../adapters/db/data-source.js';
import { TypeOrmUnitOfWork } from '../../adapters/db/unit-of-work.js';
import { UsageError, type CliCommand } from '../command.js';

const short = (hash: string) => `${hash.slice(0, DIGEST_HEAD_PREFIX)}…`;
/** "row 42" or "rows 42–44". */
const rowRange = (from: number, to: number) => (from === to ? `row ${from} is` : `rows ${from}–${to} are`);

/** One sentence for an audit issue (the use case gives codes and figures). */
export function issueText(issue: AuditIssue): string {
  switch (issue.code) {
    case 'rows_missing':
      return `${rowRange(issue.from, issue.to)} missing (the chain jumps from seq ${issue.from - 1} to ${issue.to + 1})`;
    case 'prev_mismatch':
      return `row ${issue.seq} does not link to the row before it (row inserted, deleted or reordered)`;
    case 'hash_mismatch':
      return `row ${issue.seq}: hash does not match payload (row edited)`;
    case 'tail_missing':
      return issue.chainEnd === 0
        ? `audit_log is empty but the anchor says ${issue.anchorSeq}: ${rowRange(1, issue.anchorSeq)} missing (table truncated)`
        : `audit_log ends at seq ${issue.chainEnd} but the anchor says ${issue.anchorSeq}: ${rowRange(issue.chainEnd + 1, issue.anchorSeq)} missing`;
    case 'rows_unanchored':
      return `${rowRange(issue.from, issue.to)} past the anchor (seq ${issue.from - 1}): written with the audit triggers off`;
    case 'head_mismatch':
      return `row ${issue.seq} has hash ${short(issue.chainHash)} but the anchor says ${short(issue.anchorHash)}: the tail was rewritten`;
    case 'anchor_missing':
      return `the audit_anchor row is missing (removed with the triggers off); the chain alone verifies to seq ${issue.chainEnd}`;
  }
}

function verdictText(v: AuditVerdict): string {
  if (v.ok) return v.rows === 0 ? 'OK: 0 rows, the log is empty and so is its anchor\n' : `OK: ${v.rows} rows, chain intact, matches its anchor (head #${v.head.seq} · ${short(v.head.hash)})\n`;
  const inChain = v.issue.code === 'rows_missing' || v.issue.code === 'prev_mismatch' || v.issue.code === 'hash_mismatch';
  // Breaks inside the chain keep their historical first line ("BROKEN at seq N: …").
  if (v.issue.code === 'rows_missing') return `BROKEN at seq ${v.brokenAt}: ${issueText(v.issue)}. ${v.rows - 1} rows before it verify.\n`;
  if (inChain) return `BROKEN at seq ${v.brokenAt}: ${v.problem}. ${v.rows - 1} rows before it verify.\n`;
  return `BROKEN: ${issueText(v.issue)}.\n`;
}

function headText(c: HeadCheck): string {
  const said = `${c.ref.hashPrefix}…`;
  switch (c.status) {
    case 'match':
      return `OK: row #${c.ref.seq} matches the expected head ${said}\n`;
    case 'mismatch':
      return `MISMATCH: row #${c.ref.seq} has hash ${short(c.hash)} but the expected head says ${said}: the chain was rewritten since\n`;
    case 'missing':
      return `MISSING: row #${c.ref.seq} is not in audit_log (it ends at seq ${c.chainEnd}): the chain was cut or rewritten since\n`;
  }
}

function parse(args: string[]): HeadRef[] {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { 'expect-head': { type: 'string', multiple: true } }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'verify') throw new UsageError('expected `audit verify`');
  return (parsed.values['expect-head'] ?? []).map((text) => {
    const ref = parseHeadRef(text);
    if (!ref) throw new UsageError(`--expect-head "${text}": give <seq>:<hash prefix> with at least ${MIN_HEAD_PREFIX} hex digits, as a digest prints it (e.g. 1234:3f2a9c0d1e2f)`);
    return ref;
  });
}

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'Verify the audit hash chain (audit verify)',
  usage: [
    'courtside audit verify [--expect-head <seq>:<hash prefix>]…',
    '',
    'Checks every row of the hash chain, then that the chain ends where the anchor row says',
    '(rows cut from the tail or a truncated table are named). --expect-head checks that a head',
    'printed in an earlier digest ("Audit head #1234 · 3f2a9c0d1e2f…") is still in the chain.',
    'Exit 0 when all is intact, 1 when anything is broken, missing or rewritten.',
  ].join('\n'),
  async run(args, io) {
    const refs = parse(args);
    const ds = createDataSource(loadConfig().db.url, { poolSize: 2 });
    await ds.initialize();
    try {
      const log = new AuditLog(new TypeOrmUnitOfWork(ds));
      const v = await log.verify();
      io.stdout(verdictText(v));
      const heads = await log.checkHeads(refs);
      for (const c of heads) io.stdout(headText(c));
      return v.ok && heads.every((c) => c.status === 'match') ? 0 : 1;
    } finally {
      await ds.destroy();
    }
  },
};

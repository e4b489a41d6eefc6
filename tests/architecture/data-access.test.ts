/**
 * One way to talk to Postgres, and errors that are seen (issue 17): a scan of
 * src/ for the patterns the issue removes. Each rule is first shown to catch a
 * planted line, then the real tree must have none.
 *
 * - Query results are parsed (src/lib/sql-rows.ts), never cast: no `.rows<T>(`
 *   type argument, no `(await x.query(…)) as T[]`, outside the db adapter.
 * - `ds.query(` only inside src/adapters/db; raw `pg` `.query(` only there and
 *   in the bars bulk path (binary COPY, array parameters), the documented exception.
 * - No `.catch(() => undefined)` and no empty `catch {}`: a swallowed error says why at debug.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/build.js';

interface Rule {
  name: string;
  /** Files (relative, posix) the rule does not apply to. */
  exempt: RegExp;
  find(text: string): number[];
}

/** Line numbers (1-based) where `re` matches. */
function linesMatching(text: string, re: RegExp): number[] {
  const out: number[] = [];
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  for (const m of text.matchAll(g)) out.push(text.slice(0, m.index).split('\n').length);
  return out;
}

const DB_ADAPTER = /^src\/adapters\/db\//;
const RULES: Rule[] = [
  { name: 'rows<T> cast', exempt: /^src\/adapters\/db\/|^src\/lib\/sql-rows\.ts$/, find: (t) => linesMatching(t, /\.rows<[^>(]/) },
  { name: 'query result cast', exempt: DB_ADAPTER, find: (t) => linesMatching(t, /\(await [^;]*?\.(?:query|rows|eval|config)\([^;]*\)\)\s+as\s+[^;]*\[\]/) },
  { name: 'ds.query outside the db adapter', exempt: DB_ADAPTER, find: (t) => linesMatching(t, /\bds\.query\(/) },
  { name: 'raw pg query outside the db adapter and the bars bulk path', exempt: /^src\/adapters\/db\/|^src\/adapters\/bars\/(pg-wire|store|read|write)\.ts$|^src\/dev\//, find: (t) => linesMatching(t, /\.query\(/) },
  { name: 'silent .catch(() => undefined)', exempt: /^$/, find: (t) => linesMatching(t, /\.catch\(\(\)\s*=>\s*(?:undefined|\{\s*\}|null|void 0)\)/) },
  { name: 'New York time from lib/dates (use src/engine/calendar/timezone.ts)', exempt: /^src\/lib\/dates\.ts$/, find: (t) => linesMatching(t, /import \{[^}]*\bny(?:DateOf|MidnightMs|Today)\b[^}]*\} from '[^']*lib\/dates\.js'/) },
  { name: 'empty catch block', exempt: /^$/, find: (t) => linesMatching(t, /catch\s*(?:\([^)]*\))?\s*\{\s*\}/) },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function violations(files: { file: string; text: string }[]): string[] {
  const out: string[] = [];
  for (const { file, text } of files)
    for (const rule of RULES) {
      if (rule.exempt.test(file)) continue;
      for (const line of rule.find(text)) out.push(`${rule.name}: ${file}:${line}`);
    }
  return out;
}

describe('data access and error handling (issue 17)', () => {
  it('each rule catches a planted line', () => {
    const planted = [
      'const a = await db.rows<{ id: string }>(`SELECT id FROM t`);',
      'const b = (await ds.query(`SELECT 1 AS ok`)) as { ok: boolean }[];',
      'await client.query(`SELECT 1`);',
      'void x.close().catch(() => undefined);',
      'try { f(); } catch {}',
      'try {\n  f();\n} catch (_e) {\n}',
      "import { isIsoDate, nyToday } from '../../lib/dates.js';",
    ].join('\n');
    const found = violations([{ file: 'src/trading/planted.ts', text: planted }]);
    expect(found).toEqual([
      'rows<T> cast: src/trading/planted.ts:1',
      'query result cast: src/trading/planted.ts:2',
      'ds.query outside the db adapter: src/trading/planted.ts:2',
      'raw pg query outside the db adapter and the bars bulk path: src/trading/planted.ts:2',
      'raw pg query outside the db adapter and the bars bulk path: src/trading/planted.ts:3',
      'silent .catch(() => undefined): src/trading/planted.ts:4',
      'New York time from lib/dates (use src/engine/calendar/timezone.ts): src/trading/planted.ts:10',
      'empty catch block: src/trading/planted.ts:5',
      'empty catch block: src/trading/planted.ts:8',
    ]);
    expect(violations([{ file: 'src/adapters/db/unit-of-work.ts', text: planted.split('\n').slice(0, 3).join('\n') }])).toEqual([]);
  });

  it('src/ has none of them', () => {
    const files = sourceFiles(join(REPO_ROOT, 'src')).map((p) => ({ file: relative(REPO_ROOT, p).split('\\').join('/'), text: readFileSync(p, 'utf8') }));
    expect(files.length).toBeGreaterThan(100);
    expect(violations(files)).toEqual([]);
  });
});

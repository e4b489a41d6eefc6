/**
 * Issue 17: "no unused entities". Every EntitySchema under
 * src/adapters/db/tables is registered with the DataSource (TABLE_ENTITIES)
 * and used by its group's repository code, and every registered entity is one
 * of them: an entity nothing reads would be a second, unchecked description of
 * a table.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLE_ENTITIES } from '../../src/adapters/db/tables/index.js';
import { REPO_ROOT } from '../helpers/build.js';

const TABLES_DIR = join(REPO_ROOT, 'src/adapters/db/tables');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** `export const X = new EntitySchema…({ name: 'N'` → { constant X, entity name N, file }. */
function declaredSchemas(): { constant: string; name: string; file: string }[] {
  const out: { constant: string; name: string; file: string }[] = [];
  for (const file of filesUnder(TABLES_DIR)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/export const (\w+) = new EntitySchema<[^>]*>\(\{\s*name: '([^']+)'/g)) out.push({ constant: m[1]!, name: m[2]!, file });
  }
  return out;
}

/** Does a repository file of the schema's group (typeorm.ts or a helper beside it; not an entity or port file) name the constant? */
function usedByRepository(constant: string, file: string): boolean {
  const group = join(file, '..');
  return filesUnder(group)
    .filter((f) => !/entit(y|ies)|\/port\.ts$/.test(relative(group, f)) && f !== file)
    .some((f) => new RegExp(`\\b${constant}\\b`).test(readFileSync(f, 'utf8')));
}

describe('table entities (issue 17: no unused entities)', () => {
  const schemas = declaredSchemas();

  it('finds the declared schemas (the scan itself works)', () => {
    expect(schemas.length).toBeGreaterThanOrEqual(10);
  });

  it('registers exactly the declared schemas, each entity name once', () => {
    const registered = TABLE_ENTITIES.map((e) => e.options.name).sort();
    expect(registered).toEqual(schemas.map((s) => s.name).sort());
    expect(new Set(registered).size).toBe(registered.length);
  });

  it('uses every declared schema in its group\'s repository code', () => {
    const unused = schemas.filter((s) => !usedByRepository(s.constant, s.file)).map((s) => `${s.constant} (${relative(REPO_ROOT, s.file)})`);
    expect(unused).toEqual([]);
  });
});

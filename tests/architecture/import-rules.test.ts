/**
 * The import check (npm run check:imports) must fail on each rule it claims
 * to enforce, and pass on the real tree.
 *
 * A copy of the project's sources (src, migrations, tsconfig.json,
 * package.json, .dependency-cruiser.cjs; node_modules linked) gets one
 * planted violation per rule — each in a file of its own, so one plant
 * cannot cause or hide another — and the checker runs once on it. Every
 * plant must come back as a violation of ITS rule on ITS import (from → to).
 * Controls planted next to them (type-only imports of ports, a cycle
 * through a type-only import) must come back clean: they prove that type-only
 * imports are told apart from value imports. A second, unmodified copy must
 * pass with no violation at all.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/build.js';

const CHECKER = join(REPO_ROOT, 'tests', 'architecture', 'check-imports.mjs');
const COPIED = ['src', 'migrations', 'tsconfig.json', 'package.json', '.dependency-cruiser.cjs'];

interface Violation {
  rule: string;
  from: string;
  to: string;
  detail?: string;
}
interface CheckRun {
  code: number;
  ok: boolean;
  violations: Violation[];
  stderr: string;
}

/** One file to write into the copy. */
interface PlantedFile {
  file: string;
  code: string;
}
/** A violation planted on purpose, and where the checker must report it. */
interface Plant {
  rule: string;
  why: string;
  files: PlantedFile[];
  from: string;
  to: string | RegExp;
}

// ---------------------------------------------------------------------------
// Targets are picked from the real tree (first file, sorted) so the test follows renames.

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(REPO_ROOT, d), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = posix.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function pick(dir: string, pred: (f: string) => boolean = () => true): string {
  const f = filesUnder(dir).find(pred);
  if (!f) throw new Error(`no .ts file under ${dir} to plant an import of`);
  return f;
}

/** The `.js` specifier a file at `from` uses to import `to` (both repo-relative). */
function spec(from: string, to: string): string {
  const r = posix.relative(posix.dirname(from), to).replace(/\.ts$/, '.js');
  return r.startsWith('.') ? r : `./${r}`;
}

const isPort = (f: string) => /\/port\.ts$/.test(f);
const valueImport = (s: string) => `import * as planted from '${s}';\nexport const used = planted;\n`;
const typeImport = (s: string) => `import type * as planted from '${s}';\nexport type Used = typeof planted;\n`;

/** A file importing `target` by value (or type-only) — the usual plant. */
function plantImport(rule: string, why: string, file: string, target: string, kind: 'value' | 'type' = 'value'): Plant {
  const s = spec(file, target);
  return { rule, why, files: [{ file, code: kind === 'value' ? valueImport(s) : typeImport(s) }], from: file, to: target };
}

/** A file importing a package (by value or type-only). */
function plantPackage(rule: string, why: string, file: string, pkg: string, to: RegExp, kind: 'value' | 'type' = 'value'): Plant {
  return { rule, why, files: [{ file, code: kind === 'value' ? valueImport(pkg) : typeImport(pkg) }], from: file, to };
}

const LIB = pick('src/lib');
const ENGINE = pick('src/engine');
const TRADING = pick('src/trading');
const JOBS = pick('src/jobs');
const BOT = pick('src/bot');
const APP = pick('src/app');
const CLI = pick('src/cli');
const PORT = pick('src/adapters', isPort);
const CONCRETE_ADAPTER = pick('src/adapters', (f) => !isPort(f));
const TELEGRAM_EMULATOR = pick('src/dev/telegram');
const TEST_EMULATOR = pick('src/dev', (f) => !f.startsWith('src/dev/telegram/'));

const PLANTS: Plant[] = [
  plantImport('engine-only-engine-and-zod', 'engine imports lib', 'src/engine/planted-layer.ts', LIB),
  plantPackage('engine-only-engine-and-zod', 'engine does I/O', 'src/engine/planted-io.ts', 'node:fs', /^(node:)?fs$/),
  plantPackage('engine-only-engine-and-zod', 'engine imports a package other than zod', 'src/engine/planted-package.ts', 'luxon', /(^|\/)node_modules\/luxon\//),
  plantImport('lib-only-lib', 'lib imports engine (type-only counts too)', 'src/lib/planted.ts', ENGINE, 'type'),
  plantImport('adapters-only-adapters-engine-lib', 'an adapter imports jobs', 'src/adapters/planted.ts', JOBS),
  plantImport('trading-only-trading-engine-lib-ports', 'a use case imports the bot (type-only counts too)', 'src/trading/planted-face.ts', BOT, 'type'),
  plantPackage('trading-no-infrastructure-packages', 'a use case names a TypeORM type', 'src/trading/planted-typeorm.ts', 'typeorm', /(^|\/)node_modules\/typeorm\//, 'type'),
  plantPackage('trading-no-infrastructure-packages', 'a use case imports bullmq', 'src/trading/planted-bullmq.ts', 'bullmq', /(^|\/)node_modules\/bullmq\//),
  plantImport('jobs-only-jobs-trading-engine-lib-ports', 'a handler imports the composition root', 'src/jobs/planted.ts', APP, 'type'),
  plantImport('bot-only-bot-trading-jobs-engine-lib-ports', 'the bot imports the CLI', 'src/bot/planted.ts', CLI),
  plantImport('web-only-web-trading-jobs-engine-lib-ports', 'the dashboard imports the bot', 'src/web/planted.ts', BOT),
  plantImport('app-not-cli', 'app imports the CLI', 'src/app/planted.ts', CLI),
  plantImport('dev-only-dev-engine-lib-adapters', 'an emulator imports a use case', 'src/dev/planted.ts', TRADING),
  plantImport('adapter-ports-type-only', 'a use case imports a port by value', 'src/trading/planted-port-value.ts', PORT),
  plantImport('adapters-only-through-ports', 'a handler names a concrete adapter (even type-only)', 'src/jobs/planted-concrete.ts', CONCRETE_ADAPTER, 'type'),
  plantImport('dev-only-in-local-mode', 'the bot imports the Telegram emulator', 'src/bot/planted-dev.ts', TELEGRAM_EMULATOR),
  plantImport('app-and-cli-only-telegram-emulator', 'the CLI imports a test-only emulator', 'src/cli/planted.ts', TEST_EMULATOR),
  plantImport('build-reaches-only-telegram-emulator', 'the Telegram emulator pulls in a test-only one', 'src/dev/telegram/planted.ts', TEST_EMULATOR),
  plantPackage('telegraf-only-in-bot-and-dev', 'app names a telegraf type', 'src/app/planted-telegraf.ts', 'telegraf', /(^|\/)node_modules\/telegraf\//, 'type'),
  {
    rule: 'no-circular',
    why: 'two files import each other by value',
    files: [
      { file: 'src/engine/planted-cycle-a.ts', code: valueImport('./planted-cycle-b.js') },
      { file: 'src/engine/planted-cycle-b.ts', code: valueImport('./planted-cycle-a.js') },
    ],
    from: 'src/engine/planted-cycle-a.ts',
    to: 'src/engine/planted-cycle-b.ts',
  },
  {
    rule: 'every-import-resolves',
    why: 'a file imports one that does not exist',
    files: [{ file: 'src/lib/planted-unresolved.ts', code: valueImport('./planted-does-not-exist.js') }],
    from: 'src/lib/planted-unresolved.ts',
    to: './planted-does-not-exist.js',
  },
  {
    rule: 'no-cycle-between-folders',
    why: 'adapters names a use-case type while trading names a port type (both type-only)',
    files: [
      { file: 'src/adapters/planted-folder-cycle.ts', code: typeImport(spec('src/adapters/planted-folder-cycle.ts', TRADING)) },
      { file: 'src/trading/planted-folder-cycle.ts', code: typeImport(spec('src/trading/planted-folder-cycle.ts', PORT)) },
    ],
    from: 'src/adapters',
    to: 'src/trading',
  },
];

/** Planted next to the violations; the checker must report nothing from these files. */
const CONTROLS: PlantedFile[] = [
  {
    // Every type-only form: `import type`, all-`type` specifiers, `export type … from`, inline import() type.
    file: 'src/trading/planted-control-ports.ts',
    code:
      `import type { Anything } from '${spec('src/trading/planted-control-ports.ts', PORT)}';\n` +
      `import { type Other, type Third } from '${spec('src/trading/planted-control-ports.ts', PORT)}';\n` +
      `export type { Fourth } from '${spec('src/trading/planted-control-ports.ts', PORT)}';\n` +
      `export type Inline = import('${spec('src/trading/planted-control-ports.ts', PORT)}').Fifth;\n` +
      `export type All = [Anything, Other, Third];\n`,
  },
  // A cycle closed by a type-only import is not a cycle at run time.
  { file: 'src/engine/planted-control-cycle-a.ts', code: valueImport('./planted-control-cycle-b.js') },
  { file: 'src/engine/planted-control-cycle-b.ts', code: typeImport('./planted-control-cycle-a.js') },
];

// ---------------------------------------------------------------------------

function copyProject(dir: string): void {
  for (const entry of COPIED) cpSync(join(REPO_ROOT, entry), join(dir, entry), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
}

function write(dir: string, f: PlantedFile): void {
  mkdirSync(dirname(join(dir, f.file)), { recursive: true });
  writeFileSync(join(dir, f.file), f.code);
}

function runChecker(cwd: string, args: string[] = ['--json']): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHECKER, ...args], { cwd, maxBuffer: 1 << 28 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function check(cwd: string): Promise<CheckRun> {
  const r = await runChecker(cwd);
  const parsed = JSON.parse(r.stdout || '{"ok":false,"violations":[]}') as { ok: boolean; violations: Violation[] };
  return { code: r.code, ok: parsed.ok, violations: parsed.violations, stderr: r.stderr };
}

const matches = (v: Violation, p: Plant) => v.rule === p.rule && v.from === p.from && (typeof p.to === 'string' ? v.to === p.to : p.to.test(v.to));
const describeList = (vs: Violation[]) => vs.map((v) => `${v.rule}: ${v.from} → ${v.to}`).join('\n') || '(none)';

let tmp = '';
let planted: CheckRun;
let clean: CheckRun;
let cleanReport = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'courtside-imports-'));
  const plantedDir = join(tmp, 'planted');
  const cleanDir = join(tmp, 'clean');
  for (const d of [plantedDir, cleanDir]) {
    mkdirSync(d);
    copyProject(d);
  }
  for (const p of PLANTS) for (const f of p.files) write(plantedDir, f);
  for (const f of CONTROLS) write(plantedDir, f);
  // One checker run per copy, both at once (about 5 s each on an idle machine).
  [planted, clean, cleanReport] = await Promise.all([
    check(plantedDir),
    check(cleanDir),
    runChecker(cleanDir, []).then((r) => r.stdout),
  ]);
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('import rules (DESIGN §3): the checker', () => {
  it('has a planted violation for every rule it applies, and no plant for a rule it lacks', async () => {
    const r = await runChecker(REPO_ROOT, ['--rules']);
    const rules = JSON.parse(r.stdout) as string[];
    expect(new Set(PLANTS.map((p) => p.rule))).toEqual(new Set(rules));
  });

  it('fails (exit 1) on the planted copy', () => {
    expect(planted.stderr).toBe('');
    expect(planted.code).toBe(1);
    expect(planted.ok).toBe(false);
  });

  it.each(PLANTS.map((p) => [p.rule, p.why, p] as const))('names %s when %s', (_rule, _why, plant) => {
    const hit = planted.violations.filter((v) => matches(v, plant));
    expect(hit.length, `expected ${plant.rule}: ${plant.from} → ${String(plant.to)}; the checker reported from that file:\n${describeList(planted.violations.filter((v) => v.from === plant.from))}`).toBeGreaterThan(0);
    // The plant caused it: the unmodified tree has no such violation.
    expect(clean.violations.filter((v) => matches(v, plant))).toEqual([]);
  });

  it('tells type-only imports from value imports: type-only port imports and a type-only-closed cycle pass', () => {
    const controls = new Set(CONTROLS.map((c) => c.file));
    const flagged = planted.violations.filter((v) => controls.has(v.from) || (v.rule === 'no-circular' && controls.has(v.to)));
    expect(flagged, describeList(flagged)).toEqual([]);
  });

  it('reports each violation as `rule: from → to`', () => {
    // The human-readable report of the real tree: one line per violation, or the OK line.
    for (const v of clean.violations.slice(0, 20)) expect(cleanReport).toContain(`${v.rule}: ${v.from} → ${v.to}`);
    expect(cleanReport).toMatch(/import check: (OK|FAILED)/);
  });

  it('passes on the unmodified tree', () => {
    expect(clean.stderr).toBe('');
    const lines = clean.violations.map((v) => `${v.rule}: ${v.from} → ${v.to}`);
    expect(lines, 'violations of the import rules in the real tree (npm run check:imports for details)').toEqual([]);
    expect(clean.code).toBe(0);
  });
});

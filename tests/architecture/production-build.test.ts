/**
 * The production build (`npm run build` = tsc -p tsconfig.build.json) holds
 * one emulator, Telegram's (local mode); the Alpaca, Polygon and QuickChart
 * emulators — and any emulator added later — stay out of dist/.
 *
 * tsc emits exactly the source files of its program, so the program's file
 * list (`tsc --listFilesOnly`, no emit, a few seconds) is the build's content;
 * it also includes every file reached through an import, so an emulator that
 * tsconfig.build.json excludes but something built imports would show up here.
 * The full development config (tsconfig.json) must still typecheck them all.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/build.js';

const TSC = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function tsc(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [TSC, ...args], { cwd: REPO_ROOT, maxBuffer: 1 << 28 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tsc ${args.join(' ')} failed: ${stderr || stdout}`));
      else resolve(stdout);
    });
  });
}

/** Every file of the build's program (root files and all they import), repo-relative. */
async function buildFiles(): Promise<string[]> {
  const out = await tsc(['-p', join(REPO_ROOT, 'tsconfig.build.json'), '--listFilesOnly']);
  return out.split('\n').filter(Boolean).map((f) => relative(REPO_ROOT, f).split(sep).join('/'));
}

/** The root files tsconfig.json (typecheck) matches, repo-relative (no module resolution: fast). */
async function typecheckedFiles(): Promise<string[]> {
  const config = JSON.parse(await tsc(['-p', join(REPO_ROOT, 'tsconfig.json'), '--showConfig'])) as { files: string[] };
  return config.files.map((f) => posix.normalize(f));
}

/** Source files (.ts, not .d.ts) under src/dev, repo-relative. */
function devSources(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(join(REPO_ROOT, d), { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk('src/dev');
  return out.sort();
}

const emulatorOf = (f: string) => f.split('/')[2]!;

let build: string[];
let dev: string[];

beforeAll(async () => {
  [build, dev] = await Promise.all([buildFiles(), typecheckedFiles()]);
}, 120_000);

describe('production build', () => {
  it('contains the Telegram emulator and no other emulator', () => {
    const emulators = new Set(build.filter((f) => f.startsWith('src/dev/')).map(emulatorOf));
    expect([...emulators]).toEqual(['telegram']);
  });

  it('contains every source file of the Telegram emulator (local mode needs all of it)', () => {
    const telegram = devSources().filter((f) => emulatorOf(f) === 'telegram');
    expect(telegram.length).toBeGreaterThan(0);
    expect(telegram.filter((f) => !build.includes(f))).toEqual([]);
  });

  it('contains the CLI, the app and the migrations, and no tests or bench', () => {
    expect(build).toContain('src/cli/main.ts');
    expect(build).toContain('src/app/start.ts');
    expect(build.some((f) => f.startsWith('migrations/'))).toBe(true);
    expect(build.filter((f) => f.startsWith('tests/') || f.startsWith('bench/'))).toEqual([]);
  });

  it('leaves the test emulators typechecked by tsconfig.json', () => {
    const left = devSources().filter((f) => emulatorOf(f) !== 'telegram');
    expect(left.length).toBeGreaterThan(0);
    expect(left.filter((f) => !dev.includes(f))).toEqual([]);
  });
});

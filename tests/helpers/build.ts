/**
 * The compiled build the tests spawn (`node dist/src/cli/main.js …`).
 *
 * Tests that start processes run compiled code, not `node --import tsx`: a
 * child then starts in a fraction of the time and memory (no transpiling of
 * ~400 files per process), which is what keeps the suite's headroom on a
 * 2-core machine. The integration and e2e global setup calls ensureBuilt()
 * once per run; it rebuilds dist/ when it is missing or older than any file
 * in src/ or migrations/ (`npm ci` builds it already, through `prepare`).
 *
 * Several test runs may share one checkout, so the build takes a lock
 * (a directory, created atomically) and each run re-checks freshness after
 * getting it; a run that waited usually finds the build already done.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json is). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The build's output directory. */
export const DIST_DIR = join(REPO_ROOT, 'dist');
/** The compiled CLI entry point, what `courtside` (bin/courtside.js) runs. */
export const DIST_CLI = join(DIST_DIR, 'src', 'cli', 'main.js');

/** Inputs of the build: a change to any of them makes dist stale. */
const SOURCE_DIRS = ['src', 'migrations'].map((d) => join(REPO_ROOT, d));
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package.json'].map((f) => join(REPO_ROOT, f));
/** Written after a test-triggered build: the time that build started. */
const STAMP = join(DIST_DIR, '.test-build.json');
const LOCK = join(REPO_ROOT, 'node_modules', '.cache', 'courtside-build.lock');
const LOCK_WAIT_MS = 5 * 60_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Newest modification time among the build's inputs. Directories count too:
 * adding, removing or renaming a file changes its directory's mtime.
 */
export function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    newest = Math.max(newest, statSync(dir).mtimeMs);
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCE_DIRS) if (existsSync(d)) walk(d);
  for (const f of SOURCE_FILES) if (existsSync(f)) newest = Math.max(newest, statSync(f).mtimeMs);
  return newest;
}

/** When the current dist was built: the stamp of a test build, else the CLI file's time (`npm run build`). */
function builtAt(): number {
  if (!existsSync(DIST_CLI)) return 0;
  try {
    const stamp = JSON.parse(readFileSync(STAMP, 'utf8')) as { startedAt?: number };
    if (typeof stamp.startedAt === 'number') return Math.min(stamp.startedAt, statSync(DIST_CLI).mtimeMs);
  } catch {
    /* no stamp: built by npm run build / npm ci */
  }
  return statSync(DIST_CLI).mtimeMs;
}

/** True when dist is missing or older than a build input. */
export function distIsStale(): boolean {
  const at = builtAt();
  return at === 0 || newestSourceMtime() > at;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function withBuildLock<T>(body: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(LOCK), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const lockStat = statSync(LOCK, { throwIfNoEntry: false });
      if (!lockStat) continue; // released meanwhile
      const holder = Number(readFileSafe(join(LOCK, 'pid')));
      // A lock whose holder died (or that never got its pid written for a while) is taken over.
      if ((holder && !pidAlive(holder)) || (!holder && Date.now() - lockStat.mtimeMs > 10_000)) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`the build lock ${LOCK} is held by pid ${holder} for more than ${LOCK_WAIT_MS} ms`);
      await sleep(250);
    }
  }
  try {
    return await body();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function readFileSafe(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

/** Runs tsc on tsconfig.build.json; returns the files it emitted and its diagnostics. */
function runTsc(): Promise<{ emitted: string[]; code: number; output: string }> {
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return new Promise((res) => {
    execFile(
      process.execPath,
      [tsc, '-p', join(REPO_ROOT, 'tsconfig.build.json'), '--listEmittedFiles', '--pretty', 'false'],
      { cwd: REPO_ROOT, maxBuffer: 1 << 28 },
      (err, stdout, stderr) => {
        const lines = `${stdout}`.split('\n');
        const emitted = lines.filter((l) => l.startsWith('TSFILE: ')).map((l) => resolve(l.slice('TSFILE: '.length).trim()));
        const output = [...lines.filter((l) => l && !l.startsWith('TSFILE: ')), `${stderr}`].join('\n').trim();
        res({ emitted, code: err ? Number((err as { code?: number }).code ?? 1) : 0, output });
      },
    );
  });
}

/** Deletes outputs under dist/src and dist/migrations that this build did not emit (sources moved or excluded since). */
function pruneOrphans(emitted: string[]): number {
  const keep = new Set(emitted);
  let removed = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
        if (readdirSync(p).length === 0) rmSync(p, { recursive: true, force: true });
      } else if (!keep.has(p)) {
        unlinkSync(p);
        removed += 1;
      }
    }
  };
  walk(join(DIST_DIR, 'src'));
  walk(join(DIST_DIR, 'migrations'));
  return removed;
}

/**
 * Makes dist/ current: builds (tsc -p tsconfig.build.json) when it is
 * missing or stale, then deletes outputs whose source is gone. Type errors
 * do not stop the build (tsc still emits; `npm run typecheck` reports them);
 * a build that produced no CLI throws.
 * @returns what happened, for the setup's log line
 */
export async function ensureBuilt(log: (line: string) => void = () => undefined): Promise<'fresh' | 'built'> {
  if (!distIsStale()) return 'fresh';
  return withBuildLock(async () => {
    if (!distIsStale()) return 'fresh';
    const startedAt = Date.now();
    const { emitted, code, output } = await runTsc();
    if (!existsSync(DIST_CLI) || emitted.length === 0) {
      throw new Error(`tsc -p tsconfig.build.json produced no ${relative(REPO_ROOT, DIST_CLI)} (exit ${code}):\n${output}`);
    }
    const removed = pruneOrphans(emitted);
    writeFileSync(STAMP, JSON.stringify({ startedAt, pid: process.pid }));
    log(
      `built dist/ for spawned processes in ${((Date.now() - startedAt) / 1000).toFixed(1)} s` +
        (removed ? `, removed ${removed} stale outputs` : '') +
        (code !== 0 ? ` (tsc reported errors; run npm run typecheck):\n${output.split('\n').slice(0, 5).join('\n')}` : ''),
    );
    return 'built';
  });
}

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folders (relative to the code root, `src/` or `dist/src/`) whose files
 * decide a backtest's or an incubation's figures: the pure engine
 * (strategies, indicators, simulation, the hypotheses' walk-forward and
 * verdict) and the backtest use case that drives it.
 */
const CODE_DIRS = ['engine', 'trading/backtest'];

/**
 * Single modules (without extension) that also decide figures: the driver of
 * a hypothesis evaluation and the two modules deriving the key figures a
 * replay compares. The rest of trading/hypotheses (store, views, cards) and
 * trading/manifest (replay, storage) do not, so their edits do not count.
 */
const CODE_FILES = ['trading/hypotheses/evaluate-stored', 'trading/manifest/backtest-manifest', 'trading/manifest/incubation-manifest'];

let cached: string | null = null;

/**
 * The code version a manifest records: `<package version>+<src|dist>.<12 hex>`,
 * the hex being SHA-256 over the relative paths and contents of the files in
 * {@link CODE_DIRS} and {@link CODE_FILES}, computed once per process.
 *
 * Why not a git commit: `npm start` runs from a build that may have no .git
 * (a fresh clone's tarball, a Docker image), and a dirty checkout would hide
 * edits behind one commit id. Why not a build-time stamp: tests run from the
 * TypeScript sources with no build. Hashing the files that run works in both,
 * and changes exactly when the computing code changes. The `src`/`dist` tag
 * says which form ran: the same commit hashes differently as sources and as
 * compiled JavaScript, so a replay across the two says the code changed and
 * names both versions.
 */
export function codeVersion(): string {
  if (cached === null) cached = computeCodeVersion(import.meta.url);
  return cached;
}

/** {@link codeVersion} for the module at `moduleUrl` (tests point it elsewhere). */
export function computeCodeVersion(moduleUrl: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  const ext = moduleUrl.endsWith('.ts') ? '.ts' : '.js';
  const root = join(here, '..', '..');
  const files: string[] = [];
  for (const d of CODE_DIRS) collect(join(root, d), ext, files);
  for (const f of CODE_FILES) if (existsSync(join(root, f + ext))) files.push(join(root, f + ext));
  files.sort();
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${relative(root, f).split('\\').join('/')}\n`);
    h.update(readFileSync(f));
  }
  return `${packageVersion(here)}+${ext === '.ts' ? 'src' : 'dist'}.${h.digest('hex').slice(0, 12)}`;
}

function collect(dir: string, ext: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) collect(p, ext, out);
    else if (e.isFile() && e.name.endsWith(ext) && !e.name.endsWith('.d.ts')) out.push(p);
  }
}

/** The `version` of the nearest package.json above `dir` ("0.0.0" when there is none). */
function packageVersion(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    const p = join(d, 'package.json');
    if (existsSync(p)) {
      const v = (JSON.parse(readFileSync(p, 'utf8')) as { version?: unknown }).version;
      return typeof v === 'string' ? v : '0.0.0';
    }
    if (dirname(d) === d) return '0.0.0';
  }
}

/**
 * Runs bench/lib/kernel-child.ts in its own plain `node` process and returns what it measured.
 *
 * Why a child: `npm run bench` runs every section in one tsx process, after other sections have
 * loaded the whole app (pg, BullMQ, telegraf, …) and run it; pure CPU kernels measured there were
 * slower and noisier than in the production setting (`node dist/…`, nothing of tsx loaded).
 *
 * How: the child entry is bundled on the fly from the current sources with the esbuild that tsx
 * ships with (so the figures are never those of a stale `dist/`), written to a temp directory and
 * started with `fork(…, { execArgv: [] })`: the same node binary, without tsx's `--require` /
 * `--import` loader flags. Only `technicalindicators` stays outside the bundle: the child
 * `require`s it from node_modules, as CommonJS, when it times it.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { KernelMessage, KernelRequest, KernelResult } from './kernel-suite.js';

/** The part of esbuild's API used here (esbuild is tsx's dependency, not ours: no type import). */
interface Esbuild {
  version: string;
  build(options: Record<string, unknown>): Promise<{ errors: unknown[]; metafile?: { inputs: Record<string, unknown> } }>;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const projectRoot = join(here, '..', '..');

/** esbuild as resolved from tsx (the copy `npm run bench` itself runs on). */
function loadEsbuild(): Esbuild {
  const require = createRequire(import.meta.url);
  const fromTsx = createRequire(require.resolve('tsx/package.json'));
  return fromTsx('esbuild') as Esbuild;
}

export interface BundleInfo {
  file: string;
  esbuild: string;
  /** Source files compiled into the bundle, relative to the project root. */
  inputs: string[];
  ms: number;
}

/** Bundles the child entry (and every src module it imports) into `dir`/kernel-child.mjs. */
export async function bundleKernelChild(dir: string): Promise<BundleInfo> {
  const esbuild = loadEsbuild();
  const file = join(dir, 'kernel-child.mjs');
  const t = performance.now();
  const out = await esbuild.build({
    entryPoints: [join(here, 'kernel-child.ts')],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node}`,
    // Loaded by the child at run time from its absolute path; listed only for safety.
    external: ['technicalindicators'],
    // zod (strategy parameter schemas) is bundled too, so the file runs from any directory.
    tsconfig: join(projectRoot, 'tsconfig.json'),
    metafile: true,
    logLevel: 'silent',
    sourcemap: false,
    minify: false,
  });
  const inputs = Object.keys(out.metafile?.inputs ?? {}).map((p) => relative(projectRoot, join(process.cwd(), p)));
  return { file, esbuild: esbuild.version, inputs, ms: performance.now() - t };
}

/** Starts `bundle` with plain node, sends `req`, relays progress lines and resolves with the result. */
export function runKernelChild(bundle: string, req: KernelRequest, progress: (m: string) => void): Promise<KernelResult> {
  return new Promise((resolve, reject) => {
    const child = fork(bundle, [], {
      execPath: process.execPath,
      // Not inherited: process.execArgv carries tsx's loader flags.
      execArgv: [],
      cwd: projectRoot,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    child.on('message', (m: KernelMessage) => {
      if (m.type === 'progress') progress(m.message);
      else if (m.type === 'result') settle(() => resolve(m.result));
      else
        settle(() => {
          const err = new Error(`kernel child: ${m.message}`);
          if (m.stack) err.stack = m.stack;
          reject(err);
        });
    });
    child.on('error', (err) => settle(() => reject(err)));
    child.on('exit', (code, signal) => settle(() => reject(new Error(`kernel child exited (${signal ?? `code ${code}`}) without a result`))));
    child.send(req);
  });
}

/** Absolute path of technicalindicators' CommonJS entry, as the project resolves it. */
export function technicalIndicatorsPath(): string {
  return createRequire(import.meta.url).resolve('technicalindicators');
}

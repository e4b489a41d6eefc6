/**
 * Instruments for the `preflight` section: runs the real `courtside preflight` in a child process
 * (the CLI reads its settings from the environment, so a child is the honest way to give it one
 * without touching this process's own), and a TCP server that accepts connections and never
 * answers (a hung service).
 */
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { PreflightReport } from '../../src/trading/preflight/types.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One finished CLI run. */
export interface CliRun {
  /** Spawn → exit, milliseconds (performance.now). */
  wallMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A preflight run: the process as above, and the report it printed (null when stdout was not one). */
export interface PreflightRun extends CliRun {
  report: PreflightReport | null;
}

/**
 * `node --import tsx src/cli/main.ts <args>` from the repository root: the CLI from source as
 * `npm run bench` runs everything (the compiled build in dist/ may lag the tree). One Node process
 * (`npx tsx` would add npx's and tsx's own launcher processes to every run). Killed after
 * `timeoutMs`, which then shows as signal SIGKILL.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ wallMs: performance.now() - t0, code, signal, stdout, stderr });
    });
  });
}

/** Runs `courtside preflight --json` and parses its report. */
export async function runPreflightCli(env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<PreflightRun> {
  const r = await runCli(['preflight', '--json'], env, timeoutMs);
  let report: PreflightReport | null = null;
  try {
    report = JSON.parse(r.stdout) as PreflightReport;
  } catch {
    report = null;
  }
  return { ...r, report };
}

/** A TCP server on 127.0.0.1 that accepts every connection and never sends a byte. */
export interface SilentServer {
  url: string;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

export async function startSilentServer(): Promise<SilentServer> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    // A client that gives up resets the connection: nothing to report.
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    accepted: () => sockets.length,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

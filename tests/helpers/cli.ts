/**
 * How tests start the courtside CLI in a child process: the compiled build
 * (dist/src/cli/main.js, made current by the integration/e2e global setup),
 * never `node --import tsx src/cli/main.ts`.
 *
 *   spawn(...cliCommand('start', '--role', 'worker'), { env, stdio })
 *   spawn('script', ['-qfec', cliCommandLine('start'), '/dev/null'], …)
 *   const r = await runCli(['migrate'], { env })
 *
 * A developer's ./.env must never change a test: the CLI reads ./.env (or
 * COURTSIDE_ENV_FILE) at start-up, so every child started through
 * cliCommand gets COURTSIDE_ENV_FILE=/dev/null (an empty file) through
 * Node's own `--env-file` (tests/helpers/cli-child.env). Node gives the
 * environment precedence over that file, so a test that sets
 * COURTSIDE_ENV_FILE itself (the .env tests) still decides; and a test that
 * builds a child's environment from scratch (no `...process.env`) is covered
 * too. vitest.config.ts sets the same variable for the test processes.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DIST_CLI, REPO_ROOT } from './build.js';

export { DIST_CLI, REPO_ROOT } from './build.js';

/** An empty env file: what COURTSIDE_ENV_FILE points at in tests. */
export const NO_ENV_FILE = '/dev/null';

/** The file Node loads into every CLI child before main.js runs (it only sets COURTSIDE_ENV_FILE=/dev/null). */
const CHILD_ENV_FILE = join(REPO_ROOT, 'tests', 'helpers', 'cli-child.env');

/** `[command, args]` for spawn/execFile: the Node running the tests, the compiled CLI, then `args`. */
export function cliCommand(...args: string[]): [string, string[]] {
  return [process.execPath, [`--env-file=${CHILD_ENV_FILE}`, DIST_CLI, ...args]];
}

/** The same as one shell command line (for `script -c …`), each word single-quoted. */
export function cliCommandLine(...args: string[]): string {
  const [cmd, argv] = cliCommand(...args);
  return [cmd, ...argv].map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ');
}

/** What a finished CLI run printed. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/**
 * Runs `courtside <args>` to completion (or until `timeoutMs`, then SIGKILL: a
 * command that hangs shows as `signal: 'SIGKILL'` with what it printed).
 */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(...cliCommand(...args), { env: opts.env ?? process.env, cwd: opts.cwd ?? REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

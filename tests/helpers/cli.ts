/**
 * How tests start the courtside CLI in a child process: the compiled build
 * (dist/src/cli/main.js, made current by the integration/e2e global setup),
 * never `node --import tsx src/cli/main.ts`.
 *
 *   spawn(...cliCommand('start', '--role', 'worker'), { env, stdio })
 *   spawn('script', ['-qfec', cliCommandLine('start'), '/dev/null'], …)
 */
import { DIST_CLI } from './build.js';

export { DIST_CLI, REPO_ROOT } from './build.js';

/** `[command, args]` for spawn/execFile: the Node running the tests, the compiled CLI, then `args`. */
export function cliCommand(...args: string[]): [string, string[]] {
  return [process.execPath, [DIST_CLI, ...args]];
}

/** The same as one shell command line (for `script -c …`), each word single-quoted. */
export function cliCommandLine(...args: string[]): string {
  const [cmd, argv] = cliCommand(...args);
  return [cmd, ...argv].map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ');
}

/**
 * `courtside start` on a terminal (not a test file itself): a pseudo-TTY (util-linux `script`)
 * runs the compiled CLI, so the process sees a TTY on stdin and stdout as a user's shell would give it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { expect } from 'vitest';
import { cliCommandLine } from '../../helpers/cli.js';
import { freePort } from '../../helpers/services.js';
import type { ScratchDatabase } from './scratch-database.js';

/** A running `courtside start` behind a pseudo-TTY. */
export interface Terminal {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything printed so far, terminal escape sequences removed. */
  screen(): string;
  /** Waits until the screen matches `re` (an expect failure showing the screen after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** Types a line and presses Enter. */
  type(line: string): void;
  /** Presses Ctrl-D and resolves with the exit code. */
  quit(): Promise<number | null>;
  /** SIGKILL if still running (for a finally block). */
  kill(): void;
}

/** The environment of a local-mode start (no token) on `scratch`, on free ports, logs at `logLevel`, its home in `home`. */
export async function localStartEnv(scratch: ScratchDatabase, logLevel: string, home: string): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    TELEGRAM_BOT_TOKEN: '',
    DATABASE_URL: scratch.db.url,
    REDIS_PREFIX: scratch.prefix,
    LOCAL_BOT_API_PORT: String(await freePort()),
    HTTP_PORT: String(await freePort()),
    LOG_LEVEL: logLevel,
    SEED_DEFAULT_DATA: 'false',
    COURTSIDE_HOME: home,
  };
}

/** Starts `courtside start` with `env` behind a pseudo-TTY. */
export function startOnTerminal(env: NodeJS.ProcessEnv): Terminal {
  const child = spawn('script', ['-qfec', cliCommandLine('start'), '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.on('data', (d) => (screen += String(d).replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')));
  return {
    child,
    screen: () => screen,
    async waitFor(re, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (!re.test(screen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(screen).toMatch(re);
    },
    type: (line) => child.stdin.write(line + '\r'),
    quit() {
      const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      child.stdin.write('\x04');
      return exited;
    },
    kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

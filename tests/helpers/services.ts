/**
 * PRIVATE Redis and Postgres servers for outage tests. Other test files share the
 * Redis on 6379 and the Postgres on 5432; those must never be stopped, so tests that
 * take a service down start their own instance here, on a free port, and may stop
 * and restart it on that same port.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

/** A port nobody listens on right now (the OS picks it; tiny race, acceptable in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** True once something accepts TCP connections on 127.0.0.1:port. */
export function portOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, cond: () => Promise<boolean>, timeoutMs: number, extra: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await sleep(50);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms${extra() ? `\n${extra()}` : ''}`);
}

/** Processes/directories to clean even if the test process dies without running afterAll. */
const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;
function onProcessExit(fn: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const f of exitCleanups) {
        try {
          f();
        } catch {
          /* best effort */
        }
      }
    });
  }
  exitCleanups.add(fn);
  return () => exitCleanups.delete(fn);
}

// ---------------------------------------------------------------------------------------------
// Redis

export interface PrivateRedis {
  port: number;
  url: string;
  /** True while the server process is running. */
  readonly running: boolean;
  /** Stops the server (SIGTERM, or SIGKILL with `hard`) and waits until the port is closed. */
  stop(opts?: { hard?: boolean }): Promise<void>;
  /** Starts it again on the same port (empty: no persistence) and waits until it answers. */
  start(): Promise<void>;
  /** Stops it for good. Safe to call twice. */
  dispose(): Promise<void>;
}

/** Starts a throw-away redis-server on a free port: no RDB, no AOF. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let output = '';

  const start = async () => {
    if (proc) throw new Error('private redis is already running');
    output = '';
    const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc = p;
    p.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    p.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    p.once('exit', () => {
      if (proc === p) proc = null;
    });
    let spawnError: Error | null = null;
    p.once('error', (err) => (spawnError = err));
    await waitUntil(
      `private redis on port ${port} to accept connections`,
      async () => {
        if (spawnError) throw new Error(`could not start redis-server: ${String(spawnError)}`);
        if (proc !== p) throw new Error(`redis-server on port ${port} exited at start-up:\n${output}`);
        return portOpen(port);
      },
      10_000,
      () => output,
    );
  };

  const stop = async (opts: { hard?: boolean } = {}) => {
    const p = proc;
    if (!p) return;
    const exited = new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
    p.kill(opts.hard ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    await waitUntil(`port ${port} to close`, async () => !(await portOpen(port, 200)), 5_000);
  };

  const unhook = onProcessExit(() => proc?.kill('SIGKILL'));
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return proc !== null;
    },
    stop,
    start,
    async dispose() {
      await stop({ hard: true });
      unhook();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Postgres

/** The newest PostgreSQL server binaries installed under /usr/lib/postgresql. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server binaries found under ${root} (need bin/initdb and bin/pg_ctl)`);
  return join(root, versions[0]!, 'bin');
}

function runAsPostgres(bin: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('runuser', ['-u', 'postgres', '--', bin, ...args], { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout + stderr);
    });
  });
}

export interface PrivatePostgres {
  port: number;
  /** Server URL without a database name, e.g. postgres://postgres@127.0.0.1:5xxxx */
  serverUrl: string;
  /** URL of a database on this server (the app creates it at start-up if missing). */
  urlFor(db: string): string;
  /** True while the server is started. */
  readonly running: boolean;
  /** Stops the server: 'fast' (clients are disconnected cleanly) or 'immediate' (like a crash). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** The server log (for failure messages). */
  log(): string;
  /** Stops the server and deletes its data directory. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * initdb + pg_ctl start as the `postgres` OS user (we run as root, and Postgres refuses
 * to run as root) in a temp directory, trust auth, fsync off, on a free port.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const port = await freePort();
  const dir = mkdtempSync('/tmp/cs-pg-');
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const pgUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const pgGid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(dir, pgUid, pgGid);
  let running = false;
  let disposed = false;

  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '(no server log)';
    }
  };
  const start = async () => {
    await runAsPostgres(
      join(bin, 'pg_ctl'),
      ['-D', data, '-l', logFile, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, '-w', '-t', '30', 'start'],
      40_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nserver log:\n${readLog()}`);
    });
    running = true;
    await waitUntil(`private postgres on port ${port} to accept connections`, () => portOpen(port), 10_000, readLog);
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    if (!running) return;
    await runAsPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', '-t', '30', 'stop'], 40_000);
    running = false;
    await waitUntil(`port ${port} to close`, async () => !(await portOpen(port, 200)), 5_000);
  };
  const stopSync = () => {
    if (!running) return;
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'], { timeout: 15_000, stdio: 'ignore' });
    } catch {
      /* best effort */
    }
    running = false;
  };
  const unhook = onProcessExit(() => {
    stopSync();
    rmSync(dir, { recursive: true, force: true });
  });

  try {
    await runAsPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'], 60_000);
    await start();
  } catch (err) {
    stopSync();
    rmSync(dir, { recursive: true, force: true });
    unhook();
    throw err;
  }
  const serverUrl = `postgres://postgres@127.0.0.1:${port}`;
  return {
    port,
    serverUrl,
    urlFor: (db) => `${serverUrl}/${db}`,
    get running() {
      return running;
    },
    stop,
    start,
    log: readLog,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await stop('immediate').catch(() => stopSync());
      rmSync(dir, { recursive: true, force: true });
      unhook();
    },
  };
}

import type { TestProject } from 'vitest/node';
import { createDataSource } from '../../src/adapters/db/data-source.js';
import { migrateWithLock } from '../../src/adapters/db/migrate.js';
import { Redis } from 'ioredis';
import { ensureBuilt } from './build.js';
import { deleteKeys, REDIS_URL, runPrefixRoot } from './env.js';
import { adminQuery, PG_SERVER, templateName } from './pg.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One run's shared setup: how many projects use it, and the template database once ready. */
const SHARED = Symbol.for('courtside.tests.globalSetup');
interface Shared {
  users: number;
  ready: Promise<string>;
}

/**
 * Global setup of the integration and e2e projects (the unit project needs
 * neither a database nor a build):
 * - builds a migrated template database once per run; each integration test
 *   file copies it (CREATE DATABASE … TEMPLATE), which takes milliseconds;
 * - makes dist/ current (tests spawn the compiled CLI, see helpers/cli.ts),
 *   in parallel with the database work.
 * Vitest calls a project's global setup once per project, in the same main
 * process; both projects share one setup (memoised on globalThis) and the
 * last teardown drops the run's databases.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const g = globalThis as { [SHARED]?: Shared };
  const shared = (g[SHARED] ??= { users: 0, ready: prepareRun() });
  shared.users += 1;
  const template = await shared.ready;
  project.provide('templateDb', template);
  project.provide('runPid', process.pid);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete g[SHARED];
    await teardownRun();
  };
}

/** Everything a run needs once; resolves to the template database's name. */
async function prepareRun(): Promise<string> {
  const [template] = await Promise.all([
    prepareTemplate(),
    ensureBuilt((line) => process.stdout.write(`[global-setup] ${line}\n`)),
  ]);
  return template;
}

async function prepareTemplate(): Promise<string> {
  // Leftovers of interrupted runs (their process is gone).
  const old = await adminQuery(`SELECT datname FROM pg_database WHERE datname ~ '^cs_(tpl|test)_[0-9]+'`);
  for (const { datname } of old.rows as { datname: string }[]) {
    const pid = Number(/^cs_(?:tpl|test)_(\d+)/.exec(datname)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) await adminQuery(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
  }
  await sweepRedisLeftovers();
  const template = templateName(process.pid);
  await adminQuery(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${template}`);
  const ds = createDataSource(`${PG_SERVER}/${template}`, { poolSize: 2 });
  await ds.initialize();
  await migrateWithLock(ds);
  await ds.destroy();
  return template;
}

async function teardownRun(): Promise<void> {
  const mine = await adminQuery(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`cs_%_${process.pid}%`]);
  for (const { datname } of mine.rows as { datname: string }[]) await adminQuery(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
  // Keys a test's processes wrote after its own cleanup (a worker still shutting down).
  await deleteKeys(`${runPrefixRoot(process.pid)}*`).catch(() => undefined);
}

/** Test keys of runs whose process is gone (and of the older pid-less prefix form). */
async function sweepRedisLeftovers(): Promise<void> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const dead = new Set<string>();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', 'cst-*', 'COUNT', 1000);
      cursor = next;
      for (const k of keys) {
        const pid = /^cst-(\d+)-/.exec(k)?.[1];
        if (pid !== undefined) {
          if (!alive(Number(pid))) dead.add(`${runPrefixRoot(Number(pid))}*`);
        } else if (/^cst-[0-9a-f]{10}:/.test(k)) dead.add(`${k.slice(0, 'cst-'.length + 10)}:*`);
      }
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
  for (const pattern of dead) await deleteKeys(pattern);
}

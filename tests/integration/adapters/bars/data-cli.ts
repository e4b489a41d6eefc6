/** `courtside data` run in process against a bars test database (not a test file itself). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { CliIO } from '../../../../src/cli/command.js';
import { dataCommand } from '../../../../src/cli/commands/data.js';
import { setProcessEnv } from '../../../helpers/process-env.js';
import { openBarsTestEnv, type BarsTestEnv } from './helpers.js';

/** The file's bars database and a temporary folder (COURTSIDE_HOME is its `home`), once beforeAll has run. */
export interface DataCliStage {
  readonly env: BarsTestEnv;
  readonly dir: string;
}

/**
 * Registers the file's beforeAll (a bars test database, a temporary folder named `tmpPrefix…`,
 * DATABASE_URL and COURTSIDE_HOME pointed at them for the commands) and afterAll (the
 * environment put back, both removed). Call it at the top of a test file.
 */
export function dataCliPerFile(tmpPrefix: string): DataCliStage {
  let env: BarsTestEnv | undefined;
  let dir: string | undefined;
  let restore = () => {};
  beforeAll(async () => {
    env = await openBarsTestEnv();
    dir = await mkdtemp(join(tmpdir(), tmpPrefix));
    restore = setProcessEnv({ DATABASE_URL: env.db.url, COURTSIDE_HOME: join(dir, 'home') });
  });
  afterAll(async () => {
    restore();
    await env?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const started = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the data CLI stage is not started: call dataCliPerFile at the top of the test file and use it inside tests');
    return v;
  };
  return {
    get env() {
      return started(env);
    },
    get dir() {
      return started(dir);
    },
  };
}

/** What a `courtside data` run printed: stdout, stderr, and both in the order they came. */
export interface DataRun {
  code: number;
  out: string;
  err: string;
  all: string;
}

/** Runs `courtside data <args>` in process (a UsageError is thrown, as main.ts receives it). */
export async function runData(...args: string[]): Promise<DataRun> {
  let out = '';
  let err = '';
  let all = '';
  const io: CliIO = {
    stdout(t) {
      out += t;
      all += t;
    },
    stderr(t) {
      err += t;
      all += t;
    },
  };
  const code = await dataCommand.run(args, io);
  return { code, out, err, all };
}

import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { adminQuery, PG_SERVER } from '../../../helpers/pg.js';
import { inject } from 'vitest';
import pg from 'pg';
import { MIGRATIONS } from '../../../../migrations/index.js';
import { cliCommand } from '../../../helpers/cli.js';

const name = `cs_test_${inject('runPid')}_race${Date.now() % 100000}`;

function runMigrate(): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(...cliCommand('migrate'), {
      env: { ...process.env, DATABASE_URL: `${PG_SERVER}/${name}`, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

afterAll(async () => {
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('migrations', () => {
  it('two processes migrating a missing database at once: it is created once and migrated once', async () => {
    const [a, b] = await Promise.all([runMigrate(), runMigrate()]);
    expect(a.code, a.out).toBe(0);
    expect(b.code, b.out).toBe(0);
    const outs = [a.out, b.out];
    expect(outs.filter((o) => o.includes('applied: Foundation1763800000000')).length).toBe(1);
    expect(outs.filter((o) => o.includes('schema is up to date')).length).toBe(1);
    const c = new pg.Client({ connectionString: `${PG_SERVER}/${name}` });
    await c.connect();
    try {
      const rows = await c.query('SELECT name FROM typeorm_migrations');
      expect(rows.rows.map((r: { name: string }) => r.name).sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
      const ks = await c.query('SELECT engaged FROM kill_switch');
      expect(ks.rows).toEqual([{ engaged: false }]);
    } finally {
      await c.end();
    }
  }, 60_000);
});

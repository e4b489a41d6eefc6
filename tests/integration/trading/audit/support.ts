/**
 * Shared by the audit anchor tests: the compiled `courtside audit verify`
 * run against one database, and the superuser SQL an attacker would use.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { cliCommand } from '../../../helpers/cli.js';

/** Runs the compiled CLI (`courtside audit …`) against `dbUrl`; resolves with its exit code and output. */
export function runAuditCli(dbUrl: string, args: string[] = ['verify'], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const base = { ...process.env };
    delete base.MIGRATION_DATABASE_URL;
    const child = spawn(...cliCommand('audit', ...args), {
      env: { ...base, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** Runs statements on one dedicated connection (session settings such as session_replication_role stay put). */
export async function asSuperuser(dbUrl: string, statements: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: dbUrl });
  await c.connect();
  try {
    for (const s of statements) await c.query(s);
  } finally {
    await c.end();
  }
}

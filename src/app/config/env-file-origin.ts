/**
 * Which variables came from the settings file, when the caller of loadConfig
 * did not hand over the report `applyEnvFile` made (e.g. `courtside start`
 * today). The file is read again, never applied: a variable whose value in
 * the environment equals the file's is taken as the file's (the CLI applied
 * it). The one case this cannot tell apart (the environment set the very same
 * value) changes no value, only the source shown.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ENV_FILE_VARIABLE, type EnvFileReport } from './env-file.js';

export function inferEnvFileReport(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): EnvFileReport | null {
  const named = env[ENV_FILE_VARIABLE];
  const path = named ? (isAbsolute(named) ? named : resolve(cwd, named)) : resolve(cwd, '.env');
  try {
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return null;
    const values = parseEnv(readFileSync(path, 'utf8'));
    const applied = new Map<string, number | null>();
    const overridden: string[] = [];
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined || env[key] === undefined) continue;
      if (env[key] === value) applied.set(key, null);
      else overridden.push(key);
    }
    return { path, chosenBy: named ? 'variable' : 'default', found: true, applied, overridden };
  } catch {
    // Unreadable now: the CLI already said so at start-up; the sources fall back to "environment".
    return null;
  }
}

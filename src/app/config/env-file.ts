/**
 * The settings file every `courtside` command reads before it parses its
 * configuration: `./.env`, or the file COURTSIDE_ENV_FILE names. Its values
 * fill the variables the environment does not set (the environment wins),
 * then the one schema validates both alike (env-schema.ts). The file is
 * parsed by Node's own dotenv parser (util.parseEnv), not by hand.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseEnv } from 'node:util';

/** The variable naming another settings file than ./.env (unset or empty: ./.env). */
export const ENV_FILE_VARIABLE = 'COURTSIDE_ENV_FILE';

/** What reading the settings file did: which file, and which variables came from it. */
export interface EnvFileReport {
  /** Absolute path of the file looked for. */
  path: string;
  /** `default`: ./.env of the working directory; `variable`: named by COURTSIDE_ENV_FILE. */
  chosenBy: 'default' | 'variable';
  /** False when ./.env does not exist (not an error: the environment and defaults apply). */
  found: boolean;
  /** Variables whose value came from the file (the environment did not set them), with the file line. */
  applied: ReadonlyMap<string, number | null>;
  /** Variables the file sets but the environment overrides. */
  overridden: readonly string[];
}

/** The settings file cannot be used: COURTSIDE_ENV_FILE names a missing file, or the file cannot be read. */
export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * Reads the settings file into `env` (process.env by default): every variable
 * it sets that `env` does not already hold. A variable set in `env`, even to
 * an empty string, wins. Throws EnvFileError when COURTSIDE_ENV_FILE names a
 * file that does not exist, or when the file exists but cannot be read.
 */
export function applyEnvFile(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): EnvFileReport {
  const named = env[ENV_FILE_VARIABLE];
  const chosenBy = named ? 'variable' : 'default';
  const path = named ? (isAbsolute(named) ? named : resolve(cwd, named)) : resolve(cwd, '.env');
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) {
    if (chosenBy === 'variable') throw new EnvFileError(path, `${ENV_FILE_VARIABLE}=${named} names a file that does not exist (${path}). Create it, or unset ${ENV_FILE_VARIABLE} to read ./.env.`);
    return { path, chosenBy, found: false, applied: new Map(), overridden: [] };
  }
  if (stat.isDirectory()) throw new EnvFileError(path, `${path} is a directory; the settings file must be a file of KEY=value lines (see .env.example).`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EnvFileError(path, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}. Fix its permissions, or set ${ENV_FILE_VARIABLE} to another file.`);
  }
  const values = parseEnv(text);
  const applied = new Map<string, number | null>();
  const overridden: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    if (env[key] !== undefined) {
      overridden.push(key);
      continue;
    }
    env[key] = value;
    applied.set(key, lineOf(text, key));
  }
  return { path, chosenBy, found: true, applied, overridden };
}

/** Where the file says where a value came from: "/path/.env, line 3" (the last assignment wins, as in the parser). */
export function originOf(report: EnvFileReport | null, key: string): string | null {
  if (!report || !report.applied.has(key)) return null;
  const line = report.applied.get(key);
  return line ? `${report.path}, line ${line}` : report.path;
}

/**
 * The 1-based line of the last `KEY=` (or `export KEY=`) in the file, for
 * error messages only; null when it cannot be told (a value spanning lines
 * is still found by its first line).
 */
function lineOf(text: string, key: string): number | null {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^[ \\t]*(?:export[ \\t]+)?${escaped}[ \\t]*=`);
  const lines = text.split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) if (re.test(lines[i]!)) return i + 1;
  return null;
}

/**
 * The text of a configuration error, saying for each bad variable whether its
 * value came from the settings file (which file, which line) — the fix is then
 * in that file — or from the environment. Values are never shown: some are secrets.
 */
import type { ConfigError } from '../app/config/config.js';
import { originOf, type EnvFileReport } from '../app/config/env-file.js';

export function configProblemsText(err: ConfigError, envFile: EnvFileReport | null): string {
  const n = err.issues.length;
  let fromFile = 0;
  const lines = err.issues.map((issue) => {
    if (!issue.key) return `  - ${issue.message}`;
    // A nested path (e.g. a list entry) belongs to its top-level variable.
    const origin = originOf(envFile, issue.key.split('.')[0]!);
    if (origin) fromFile += 1;
    return `  - ${issue.key}${origin ? ` (set in ${origin})` : ''} ${issue.message}`;
  });
  const where =
    fromFile > 0 && envFile
      ? `Fix ${n === 1 ? 'it' : 'them'} in ${envFile.path}${fromFile < n ? ' or in the environment' : ''} (a variable set in the environment wins over the file; .env.example documents each one) and start again.`
      : 'Fix these environment variables (see .env.example) and start again.';
  return `Configuration is invalid (${n} problem${n === 1 ? '' : 's'}):\n${lines.join('\n')}\n${where}\n`;
}

import type { PreflightCheck } from '../types.js';

/** What reading the settings file did (the CLI knows it; a running role may not). */
export interface SettingsFileFacts {
  path: string;
  chosenBy: 'default' | 'variable';
  found: boolean;
  /** Settings the file supplied. */
  applied: number;
  /** Settings the file sets that the environment overrides. */
  overridden: readonly string[];
}

export interface ConfigFileDeps {
  /** Null: this process does not know which file was read (it was read at start-up). */
  file: SettingsFileFacts | null;
  /** Validation problems, one `KEY message` line each (never a value); empty when valid. */
  problems: readonly string[];
  /** A few words on what the valid configuration runs (`local mode · broker paper`). */
  summary?: string;
}

/** The settings file that was read, and whether the configuration validates. */
export function configFileCheck(deps: ConfigFileDeps): PreflightCheck {
  return {
    id: 'config.file',
    title: 'Configuration',
    run: async () => {
      const f = deps.file;
      const read = !f
        ? 'settings file read at start-up'
        : f.found
          ? `read ${f.path}${f.chosenBy === 'variable' ? ' (COURTSIDE_ENV_FILE)' : ''}: ${f.applied} setting${f.applied === 1 ? '' : 's'} from it${f.overridden.length ? `, ${f.overridden.length} overridden by the environment (${f.overridden.slice(0, 5).join(', ')})` : ''}`
          : `no settings file at ${f.path}: environment and defaults only`;
      if (deps.problems.length === 0) return { level: 'pass', saw: `${read}; valid${deps.summary ? ` (${deps.summary})` : ''}` };
      const n = deps.problems.length;
      const keys = [...new Set(deps.problems.map((p) => p.split(' ')[0]!))];
      return {
        level: 'fail',
        saw: `${read}; ${n} problem${n === 1 ? '' : 's'}: ${deps.problems.join('; ')}`,
        fix: `Fix ${keys.join(', ')} in ${f?.found ? f.path : 'the environment'} (a variable set in the environment wins over the file; .env.example documents each one).`,
      };
    },
  };
}

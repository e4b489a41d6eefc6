/**
 * The two lines `courtside start` prints before anything else: which settings
 * file it read, and which mode it chose and why — so a token put in .env that
 * did not take effect is seen at once, not discovered as "local mode" later.
 */
import type { Config } from '../app/config/config.js';
import { originOf, type EnvFileReport } from '../app/config/env-file.js';

/** "Settings: read /srv/courtside/.env (5 values; the environment overrides LOG_LEVEL)". */
export function settingsLine(r: EnvFileReport | null): string {
  if (!r) return 'Settings: the environment and the defaults';
  if (!r.found) return `Settings: no ${r.path}; the environment and the defaults apply (.env.example lists every variable)`;
  const n = r.applied.size;
  const over = r.overridden.length ? `; the environment overrides ${r.overridden.join(', ')}` : '';
  return `Settings: read ${r.path} (${n} value${n === 1 ? '' : 's'}${over})${r.chosenBy === 'variable' ? ', named by COURTSIDE_ENV_FILE' : ''}`;
}

/** "Mode: LOCAL — no TELEGRAM_BOT_TOKEN …" or "Mode: Telegram (polling) — TELEGRAM_BOT_TOKEN is set in …". */
export function modeLine(config: Config, r: EnvFileReport | null, env: NodeJS.ProcessEnv = process.env): string {
  const key = 'TELEGRAM_BOT_TOKEN';
  const origin = originOf(r, key);
  const broker = `orders go to the ${config.broker.kind === 'paper' ? 'paper broker (simulated, Postgres)' : config.broker.kind}`;
  if (!config.local.enabled) {
    const how = config.telegram.webhook ? 'webhook' : 'polling';
    return `Mode: Telegram (${how}) — ${key} is set ${origin ? `in ${origin}` : 'in the environment'}; ${broker}`;
  }
  let why: string;
  if (env[key] !== undefined && r?.overridden.includes(key)) why = `${key} is empty in the environment, which wins over ${r.path}`;
  else if (origin) why = `${key} is empty in ${origin}`;
  else if (env[key] !== undefined) why = `${key} is empty in the environment`;
  else why = `no ${key} in the environment${r?.found ? ` or in ${r.path}` : ''}`;
  return `Mode: LOCAL — ${why}: Telegram is emulated on this machine; ${broker}`;
}

import { z } from 'zod';
import { parseKisAccount } from './account.js';
import { defaultMaxRps, KIS_REAL_URL, KIS_VIRTUAL_URL, type KisServer } from './tr-ids.js';

/** A value `.env` may leave blank (`KIS_API_URL=`): blank is unset, not invalid. */
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/**
 * The Korean broker's variables, one definition for both {@link KisEnvSchema}
 * and the app's schema (src/app/config/env-schema.ts spreads them):
 * - BROKER_KR: `paper` (default, the Postgres paper broker), `kis-virtual`
 *   (KIS paper trading) or `kis-live` (real money; needs KIS_LIVE_CONFIRM=real-money);
 * - KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT (`12345678-01`): required for kis-*;
 * - KIS_API_URL: another server (the emulator); default KIS's host for the server;
 * - KIS_MAX_RPS: requests per second for the account across every process
 *   (default 18 real, 1 virtual).
 */
export const KIS_ENV_FIELDS = {
  BROKER_KR: z.enum(['paper', 'kis-virtual', 'kis-live'], { message: 'must be paper, kis-virtual or kis-live' }).default('paper'),
  KIS_LIVE_CONFIRM: optionalText,
  KIS_APP_KEY: optionalText,
  KIS_APP_SECRET: optionalText,
  KIS_ACCOUNT: optionalText,
  KIS_API_URL: optionalText.pipe(
    z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://openapivts.koreainvestment.com:29443 (or the KIS emulator)' }).optional(),
  ),
  KIS_MAX_RPS: optionalText.pipe(
    z.coerce
      .number<string | undefined>({ message: 'must be a whole number of requests a second, e.g. 18 (real) or 1 (virtual)' })
      .int('must be a whole number of requests a second, e.g. 18 (real) or 1 (virtual)')
      .min(1, 'must be from 1 to 1000')
      .max(1000, 'must be from 1 to 1000')
      .optional(),
  ),
};

/** One problem of the KIS settings taken together: the variable and what to do. */
export interface KisEnvProblem {
  key: 'KIS_LIVE_CONFIRM' | 'KIS_APP_KEY' | 'KIS_APP_SECRET' | 'KIS_ACCOUNT';
  message: string;
}

/**
 * The rules across the KIS variables (the one source of them: both schemas
 * report these). Reads loosely typed values, as a cross-field check runs
 * even when a single field failed. Messages follow the app's style: the
 * variable's name comes first in the report, then `must…`/`is…` and the fix.
 */
export function kisEnvProblems(env: Readonly<Record<string, unknown>>): KisEnvProblem[] {
  const broker = env.BROKER_KR;
  if (broker !== 'kis-virtual' && broker !== 'kis-live') return [];
  const out: KisEnvProblem[] = [];
  if (broker === 'kis-live' && env.KIS_LIVE_CONFIRM !== 'real-money') {
    out.push({
      key: 'KIS_LIVE_CONFIRM',
      message: 'must be "real-money" with BROKER_KR=kis-live: it places real orders with real won. Set KIS_LIVE_CONFIRM=real-money to confirm, or try BROKER_KR=kis-virtual first',
    });
  }
  for (const key of ['KIS_APP_KEY', 'KIS_APP_SECRET', 'KIS_ACCOUNT'] as const) {
    if (typeof env[key] !== 'string' || env[key] === '') {
      out.push({
        key,
        message: `is required with BROKER_KR=${broker}: set KIS_APP_KEY, KIS_APP_SECRET and KIS_ACCOUNT (12345678-01) from the KIS developer portal, or use BROKER_KR=paper`,
      });
    }
  }
  if (typeof env.KIS_ACCOUNT === 'string' && env.KIS_ACCOUNT !== '') {
    try {
      parseKisAccount(env.KIS_ACCOUNT);
    } catch (e) {
      // The report names the variable first; the parser's message starts with it too.
      out.push({ key: 'KIS_ACCOUNT', message: (e as Error).message.replace(/^KIS_ACCOUNT /, '') });
    }
  }
  return out;
}

/** The KIS variables alone (the adapter's own tests and tools); the app's schema holds the same fields and rules. */
export const KisEnvSchema = z.object(KIS_ENV_FIELDS).superRefine((env, ctx) => {
  for (const p of kisEnvProblems(env)) ctx.addIssue({ code: 'custom', path: [p.key], message: p.message });
});

export type KisEnv = z.infer<typeof KisEnvSchema>;

/** What {@link kisSettingsFromEnv} makes of a valid environment for a kis-* broker. */
export interface KisSettings {
  server: KisServer;
  baseUrl: string;
  appKey: string;
  appSecret: string;
  account: string;
  maxRps: number;
}

/** The adapter's settings from a parsed environment; null for BROKER_KR=paper. */
export function kisSettingsFromEnv(env: KisEnv): KisSettings | null {
  if (env.BROKER_KR === 'paper') return null;
  const server: KisServer = env.BROKER_KR === 'kis-live' ? 'real' : 'virtual';
  return {
    server,
    baseUrl: env.KIS_API_URL ?? (server === 'real' ? KIS_REAL_URL : KIS_VIRTUAL_URL),
    appKey: env.KIS_APP_KEY ?? '',
    appSecret: env.KIS_APP_SECRET ?? '',
    account: env.KIS_ACCOUNT ?? '',
    maxRps: env.KIS_MAX_RPS ?? defaultMaxRps(server),
  };
}

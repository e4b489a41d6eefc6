import { z } from 'zod';
import { parseKisAccount } from './account.js';
import { defaultMaxRps, KIS_REAL_URL, KIS_VIRTUAL_URL, type KisServer } from './tr-ids.js';

/**
 * The Korean broker's part of the environment, for the app's config to wire in:
 * - BROKER_KR: `paper` (default, the Postgres paper broker), `kis-virtual`
 *   (KIS paper trading) or `kis-live` (real money; needs KIS_LIVE_CONFIRM=real-money);
 * - KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT (`12345678-01`): required for kis-*;
 * - KIS_API_URL: another server (the emulator); default KIS's host for the server;
 * - KIS_MAX_RPS: requests per second for the account across every process
 *   (default 18 real, 1 virtual).
 */
export const KisEnvSchema = z
  .object({
    BROKER_KR: z.enum(['paper', 'kis-virtual', 'kis-live']).default('paper'),
    KIS_LIVE_CONFIRM: z.string().optional(),
    KIS_APP_KEY: z.string().trim().optional(),
    KIS_APP_SECRET: z.string().trim().optional(),
    KIS_ACCOUNT: z.string().trim().optional(),
    KIS_API_URL: z.url({ protocol: /^https?$/ }).optional(),
    KIS_MAX_RPS: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.BROKER_KR === 'paper') return;
    if (env.BROKER_KR === 'kis-live' && env.KIS_LIVE_CONFIRM !== 'real-money') {
      ctx.addIssue({ code: 'custom', path: ['KIS_LIVE_CONFIRM'], message: 'BROKER_KR=kis-live trades real money: set KIS_LIVE_CONFIRM=real-money to confirm, or use BROKER_KR=kis-virtual' });
    }
    for (const k of ['KIS_APP_KEY', 'KIS_APP_SECRET', 'KIS_ACCOUNT'] as const) {
      if (!env[k]) ctx.addIssue({ code: 'custom', path: [k], message: `${k} is required when BROKER_KR=${env.BROKER_KR}` });
    }
    if (env.KIS_ACCOUNT) {
      try {
        parseKisAccount(env.KIS_ACCOUNT);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: ['KIS_ACCOUNT'], message: (e as Error).message });
      }
    }
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

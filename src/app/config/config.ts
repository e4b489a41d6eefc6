import { createHash } from 'node:crypto';
import type { KrScanSettings } from '../../trading/scan/kr-scan.js';
import { isAbsolute, resolve } from 'node:path';
import { envSchema, type Env } from './env-schema.js';
import { parseAllowList, type Role } from '../../lib/roles.js';
import { scheduleFromStrings, type ScheduleSpec } from '../../engine/schedule/slots.js';
import type { ExecutionLimits } from '../../engine/risk/limits.js';
import type { RiskSettings } from '../../trading/risk/settings.js';
import type { EnvFileReport } from './env-file.js';
import { inferEnvFileReport } from './env-file-origin.js';
import { kisSettingsFromEnv, type KisSettings } from '../../adapters/brokers/kis/env.js';

/** The token local mode uses with the in-process Bot API emulator; it is not a secret. */
export const LOCAL_BOT_TOKEN = '100000001:LOCAL-courtside-local-mode-token';

/** Parsed, validated configuration: built once at start-up and passed down. */
export interface Config {
  log: { level: Env['LOG_LEVEL'] };
  telegram: {
    /** Real token, or the local one when `local.enabled`. */
    token: string;
    apiRoot: string;
    allowed: ReadonlyMap<number, Role>;
    webhook: { url: string; secret: string } | null;
    /** How long the polling lock lives without renewal; a standby takes over after at most this. */
    pollLockTtlMs: number;
    /** Key for HMAC-signing inline button data. */
    callbackKey: Buffer;
  };
  local: { enabled: boolean; botApiPort: number; userId: number };
  /**
   * `url`: what the app runs as (in production a role that may only append to the audit log);
   * `migrationUrl`: the role that owns the schema, used only to create the database and migrate (default `url`).
   */
  db: { url: string; migrationUrl: string };
  redis: { url: string; prefix: string };
  /** `adminToken` (HTTP_ADMIN_TOKEN) unlocks /metrics and the full /readyz; null when unset. */
  http: { host: string; port: number; adminToken: string | null };
  home: string;
  notify: { chatBurst: number; chatPerSec: number; globalPerSec: number };
  /** Per user: commands and button presses a minute, how many at once, and jobs waiting or running at once. */
  fairness: { perMinute: number; burst: number; maxQueued: number };
  worker: { concurrency: number };
  heartbeat: { intervalMs: number; staleMs: number };
  queueTimeoutMs: number;
  /** Chart rendering: in-process unless the user runs their own QuickChart server. */
  charts: { quickchartUrl: string | null };
  /** Load the bundled samples and the synthetic DEMO universe when a worker starts. */
  seedDefaultData: boolean;
  /** `kobeSizing` (KOBE_SIZING): how the Kobe strategies size picks; LIVE hypotheses always use half-Kelly. */
  /** `journal`: JOURNAL_ENABLED, the decision journal's scan rows (on unless measuring its cost). */
  scan: { topN: number; chunkSize: number; pickTtlMs: number; sizing: { equity: number; riskFraction: number; maxPositionFraction: number }; kobeSizing: 'fixed' | 'kelly'; journal: boolean; kr: KrScanSettings };
  /** Where orders go and the paper broker's simulation settings. */
  broker: {
    kind: 'paper' | 'alpaca-paper' | 'alpaca-live';
    /** `maxRpm`/`reservedRpm`: the request budget per API key shared by every process (ALPACA_MAX_RPM, ALPACA_RESERVED_RPM). */
    alpaca: {
      keyId: string;
      secretKey: string;
      tradingUrl: string | null;
      dataUrl: string | null;
      maxRpm: number;
      reservedRpm: number;
      /** ALPACA_ENTRY_TIF: entries as IOC (default) or DAY limits cancelled after `dayCancelAfterMs`. */
      entryTif: 'ioc' | 'day';
      dayCancelAfterMs: number;
    } | null;
    paper: { startingCash: number; slippageBps: number; spreadBps: number };
  };
  /**
   * Portfolio risk (issue 21): correlation clusters and value at risk judged before every new entry,
   * and the execution-drift alert. Percentages are of the market's equity.
   */
  risk: RiskSettings;
  /** Risk limits and timing of the approve → order path. */
  execution: ExecutionLimits & {
    windowMs: number;
    waitTimeoutMs: number;
    /** EXEC_TELL_PENDING_AFTER_MS: an approval's outcome still unknown this long after its job first started is told as "still checking". */
    tellPendingAfterMs: number;
    timeStopBars: number;
  };
  /** The recovery pass for orders stuck after their attempt mark (EXEC_RESOLVE_AFTER_MS, EXEC_RESOLVE_EVERY_MS). */
  recovery: { resolveAfterMs: number; everyMs: number };
  /** Time-based jobs (New York times; `close-5` follows early closes) and the dead-man check. */
  schedule: { enabled: boolean; spec: ScheduleSpec; deadman: { intervalMs: number; expectedRoles: string[] } };
  /** Stop / time-stop exits and the daily marks. */
  /** When orders can fill (see engine/market-hours.ts). */
  market: { hours: 'exchange' | 'always' };
  exits: { limitBuffer: number; timeStopLeadMinutes: number; duringKill: boolean; requireOpenSession: boolean; benchmark: string };
  /** The circuit breaker's limits (every market's today); null: that check is off (the setting's 0). */
  circuit: { dailyLossPct: number | null; rejects: number | null };
  /** The Korean market (issue 15): its broker, limits in whole won and schedule in Seoul time. */
  kr: KrConfig;
  /** Values that must never be logged; the logger scrubs them from every line. */
  secrets: string[];
  /**
   * Every schema setting as this process runs with it and where each came
   * from (issue 20): what the configuration pin (pin.ts) and `courtside
   * config show` are made of. Optional so hand-built test configs need none.
   */
  settings?: ConfigSettings;
}

/**
 * The Korean market's settings. Amounts are whole KRW and never summed with
 * the US ones (no FX source); times are Seoul time.
 */
export interface KrConfig {
  /** BROKER_KR: the Postgres paper book (default), KIS's virtual server, or KIS real money. */
  broker: 'paper' | 'kis-virtual' | 'kis-live';
  /** KIS_* (kisSettingsFromEnv): server, URL, key, secret, account, request rate; null with BROKER_KR=paper. */
  kis: KisSettings | null;
  /** KIS_COMMISSION_BPS as a fraction of a fill's value, charged on both sides (the engine's `krCommissionRate`). */
  commissionRate: number;
  /** KR_ALLOW_LEVERAGED: leveraged and inverse ETFs may be picked. */
  allowLeveraged: boolean;
  /** PAPER_STARTING_CASH_KR: the KR paper book's starting cash, won. */
  paper: { startingCash: number };
  /**
   * PolicyGate and LiquidityGate for KR, in won: EXEC_PER_ORDER_BUDGET_KR, EXEC_DAILY_BUDGET_KR,
   * EXEC_MIN_PRICE_KR / EXEC_MAX_PRICE_KR (absent when unset) and EXEC_MIN_TRADED_VALUE_KR
   * (20-session average traded value, the KR counterpart of minDollarAdv).
   */
  execution: { perOrderBudget: number; dailyBudget: number; minPrice?: number; maxPrice?: number; minTradedValue: number };
  /**
   * SCHEDULE_*_KR as lists, Seoul time; `open`/`close` are the KRX session's (09:00 / 15:30 on a
   * regular day). Checked against a regular KRX day (kr-schedule.ts); the scheduler role builds the
   * KR slot table from them on REGULAR_HOURS.KR (configuredKrSlots).
   */
  schedule: ScheduleSpec;
}

/** The effective settings behind a Config: read once at start-up (settings change by restart only). */
export interface ConfigSettings {
  /** Each schema variable's effective value after parsing (undefined: unset); local mode's demo budgets included. */
  values: Readonly<Record<string, unknown>>;
  /** Variables the environment (or the settings file through it) set; the rest are defaults. */
  given: readonly string[];
  /** The settings file that filled variables in (null: none read, or not known). */
  envFile: EnvFileReport | null;
  /** Variables whose default is local mode's own (the demo budgets), not the schema's. */
  localDefaults: readonly string[];
}

/**
 * Budgets of local mode with the paper broker when EXEC_PER_ORDER_BUDGET /
 * EXEC_DAILY_BUDGET are not set: Kobe's $75 / $1,000 would refuse almost
 * every demo pick (most stocks cost more than $75 a share), so the try-out
 * uses sizes like the pick cards'. No real money can move in local mode.
 */
export const LOCAL_DEMO_BUDGETS = Object.freeze({ perOrder: 10_000, daily: 50_000 });

/** One invalid setting: the variable (null when the problem spans several) and what is wrong with it. */
export interface ConfigIssue {
  key: string | null;
  message: string;
}

/** Thrown when the environment is invalid; the message lists every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** One line per problem, `KEY message`. */
  readonly problems: string[];
  constructor(readonly issues: ConfigIssue[]) {
    const problems = issues.map((i) => (i.key ? `${i.key} ${i.message}` : i.message));
    super(
      `Configuration is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nFix these environment variables (see .env.example) and start again.',
    );
    this.problems = problems;
  }
}

/** Parses the environment once into a nested, typed Config or throws ConfigError listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, envFile?: EnvFileReport | null): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => ({ key: i.path.length ? i.path.map(String).join('.') : null, message: i.message })));
  }
  const env = parsed.data;
  const allowed = parseAllowList(env.TELEGRAM_ALLOWED_USER_IDS);
  const allowMap = new Map(allowed.ok ? allowed.value : []);
  const local = !env.TELEGRAM_BOT_TOKEN;
  if (local && !allowMap.has(env.LOCAL_USER_ID)) allowMap.set(env.LOCAL_USER_ID, 'admin');
  const token = env.TELEGRAM_BOT_TOKEN ?? LOCAL_BOT_TOKEN;
  const localDemo = local && env.BROKER === 'paper';
  let schedule: ScheduleSpec;
  try {
    schedule = scheduleFromStrings({
      scans: env.SCHEDULE_SCANS,
      morningDigest: env.SCHEDULE_MORNING_DIGEST,
      closeDigest: env.SCHEDULE_CLOSE_DIGEST,
      exits: env.SCHEDULE_EXITS,
      mark: env.SCHEDULE_MARK,
      reconcile: env.SCHEDULE_RECONCILE,
      hypotheses: env.SCHEDULE_HYPOTHESES,
      weeklyReview: env.SCHEDULE_WEEKLY_REVIEW,
      graceMinutes: env.SCHEDULE_GRACE_MINUTES,
    });
  } catch (e) {
    // Each list parsed alone; what is left is a clash between lists (e.g. the same time twice).
    throw new ConfigError([{ key: 'SCHEDULE_*', message: e instanceof Error ? e.message : String(e) }]);
  }
  const callbackSecret = env.CALLBACK_SECRET ?? `courtside-callback:${token}`;
  const secrets = secretValues(env);
  const home = isAbsolute(env.COURTSIDE_HOME) ? env.COURTSIDE_HOME : resolve(process.cwd(), env.COURTSIDE_HOME);
  return {
    log: { level: env.LOG_LEVEL },
    telegram: {
      token,
      // Local mode talks to the bot process's in-process emulator; other roles find it on this port.
      apiRoot: local ? `http://127.0.0.1:${env.LOCAL_BOT_API_PORT}` : env.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
      allowed: allowMap,
      webhook: env.TELEGRAM_WEBHOOK_URL && env.TELEGRAM_WEBHOOK_SECRET ? { url: env.TELEGRAM_WEBHOOK_URL, secret: env.TELEGRAM_WEBHOOK_SECRET } : null,
      pollLockTtlMs: env.POLL_LOCK_TTL_MS,
      callbackKey: createHash('sha256').update(callbackSecret).digest(),
    },
    local: { enabled: local, botApiPort: env.LOCAL_BOT_API_PORT, userId: env.LOCAL_USER_ID },
    db: { url: env.DATABASE_URL, migrationUrl: env.MIGRATION_DATABASE_URL ?? env.DATABASE_URL },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    http: { host: env.HTTP_HOST, port: env.HTTP_PORT, adminToken: env.HTTP_ADMIN_TOKEN ?? null },
    home,
    notify: { chatBurst: env.NOTIFY_CHAT_BURST, chatPerSec: env.NOTIFY_CHAT_PER_SEC, globalPerSec: env.NOTIFY_GLOBAL_PER_SEC },
    fairness: { perMinute: env.USER_RATE_PER_MIN, burst: env.USER_RATE_BURST, maxQueued: env.USER_MAX_QUEUED },
    worker: { concurrency: env.WORKER_CONCURRENCY },
    heartbeat: { intervalMs: env.HEARTBEAT_INTERVAL_MS, staleMs: env.HEARTBEAT_STALE_MS },
    queueTimeoutMs: env.QUEUE_TIMEOUT_MS,
    charts: { quickchartUrl: env.QUICKCHART_URL ?? null },
    seedDefaultData: env.SEED_DEFAULT_DATA,
    scan: {
      journal: env.JOURNAL_ENABLED,
      topN: env.SCAN_TOP_N,
      chunkSize: env.SCAN_CHUNK_SIZE,
      pickTtlMs: env.PICK_TTL_MINUTES * 60_000,
      sizing: { equity: env.SIZING_EQUITY, riskFraction: env.SIZING_RISK_PCT / 100, maxPositionFraction: env.SIZING_MAX_POSITION_PCT / 100 },
      kobeSizing: env.KOBE_SIZING,
      // KR scans: leverage as KR_ALLOW_LEVERAGED says, the traded-value floor in won, and sizing on
      // the KR book's cash in won with the US risk fractions (there is no SIZING_EQUITY_KR yet).
      kr: {
        allowLeveraged: env.KR_ALLOW_LEVERAGED,
        minTradedValueKr: env.EXEC_MIN_TRADED_VALUE_KR,
        // The strategies' least close in won; unset: none (their 5 / 10 defaults are dollars).
        ...(env.EXEC_MIN_PRICE_KR !== undefined ? { minPrice: env.EXEC_MIN_PRICE_KR } : {}),
        sizing: { equity: env.PAPER_STARTING_CASH_KR, riskFraction: env.SIZING_RISK_PCT / 100, maxPositionFraction: env.SIZING_MAX_POSITION_PCT / 100 },
      },
    },
    broker: {
      kind: env.BROKER,
      alpaca:
        env.APCA_API_KEY_ID && env.APCA_API_SECRET_KEY
          ? {
              keyId: env.APCA_API_KEY_ID,
              secretKey: env.APCA_API_SECRET_KEY,
              tradingUrl: env.ALPACA_TRADING_URL ?? null,
              dataUrl: env.ALPACA_DATA_URL ?? null,
              maxRpm: env.ALPACA_MAX_RPM,
              // The reserve is a share of the budget: never all of it.
              reservedRpm: Math.min(env.ALPACA_RESERVED_RPM, Math.floor(env.ALPACA_MAX_RPM / 2)),
              entryTif: env.ALPACA_ENTRY_TIF,
              dayCancelAfterMs: env.ALPACA_DAY_CANCEL_AFTER_S * 1000,
            }
          : null,
      paper: { startingCash: env.PAPER_STARTING_CASH, slippageBps: env.PAPER_SLIPPAGE_BPS, spreadBps: env.PAPER_SPREAD_BPS },
    },
    execution: {
      perOrderBudget: localDemo && !source.EXEC_PER_ORDER_BUDGET ? LOCAL_DEMO_BUDGETS.perOrder : env.EXEC_PER_ORDER_BUDGET,
      dailyBudget: localDemo && !source.EXEC_DAILY_BUDGET ? LOCAL_DEMO_BUDGETS.daily : env.EXEC_DAILY_BUDGET,
      ...(env.EXEC_MIN_PRICE !== undefined ? { minPrice: env.EXEC_MIN_PRICE } : {}),
      ...(env.EXEC_MAX_PRICE !== undefined ? { maxPrice: env.EXEC_MAX_PRICE } : {}),
      minDollarAdv: env.EXEC_MIN_DOLLAR_ADV,
      maxSpreadPct: env.EXEC_MAX_SPREAD_PCT,
      maxOrderPctAdv: env.EXEC_MAX_ORDER_PCT_ADV,
      maxOpenPositions: env.EXEC_MAX_OPEN_POSITIONS,
      maxPositionPct: env.EXEC_MAX_POSITION_PCT,
      maxDriftPct: env.EXEC_MAX_DRIFT_PCT,
      limitBuffer: env.EXEC_LIMIT_BUFFER_PCT / 100,
      sizeToPerOrderBudget: env.EXEC_SIZE_TO_BUDGET,
      windowMs: env.EXEC_WINDOW_MINUTES * 60_000,
      waitTimeoutMs: env.EXEC_WAIT_TIMEOUT_MS,
      tellPendingAfterMs: env.EXEC_TELL_PENDING_AFTER_MS,
      timeStopBars: env.EXEC_TIME_STOP_BARS,
    },
    risk: {
      corrLookback: env.CORR_LOOKBACK,
      corrLimit: env.CORR_LIMIT,
      corrClusterRiskPct: env.CORR_CLUSTER_RISK_PCT,
      varLookback: env.VAR_LOOKBACK,
      varPaths: env.VAR_PATHS,
      varSeed: env.VAR_SEED,
      varLimitPct: env.VAR_LIMIT_PCT,
      slippageAlertBps: env.EXEC_SLIPPAGE_ALERT_BPS,
    },
    recovery: { resolveAfterMs: env.EXEC_RESOLVE_AFTER_MS, everyMs: env.EXEC_RESOLVE_EVERY_MS },
    schedule: {
      enabled: env.SCHEDULE_ENABLED,
      spec: schedule,
      deadman: {
        intervalMs: env.DEADMAN_INTERVAL_MS,
        expectedRoles: env.DEADMAN_EXPECTED_ROLES.split(',').map((r) => r.trim()).filter(Boolean),
      },
    },
    market: { hours: env.MARKET_HOURS },
    exits: { limitBuffer: env.EXIT_LIMIT_BUFFER_PCT / 100, timeStopLeadMinutes: env.EXIT_TIME_STOP_LEAD_MIN, duringKill: env.EXIT_DURING_KILL, requireOpenSession: env.EXIT_REQUIRE_OPEN_SESSION, benchmark: env.MTM_BENCHMARK.toUpperCase() },
    circuit: { dailyLossPct: env.CIRCUIT_DAILY_LOSS_PCT > 0 ? env.CIRCUIT_DAILY_LOSS_PCT : null, rejects: env.CIRCUIT_REJECTS > 0 ? env.CIRCUIT_REJECTS : null },
    kr: krConfig(env),
    secrets,
    settings: effectiveSettings(env, source, envFile === undefined && source === process.env ? inferEnvFileReport(source) : (envFile ?? null), localDemo),
  };
}

/** The KR block from parsed settings (each value already checked by the schema). */
function krConfig(env: Env): KrConfig {
  const list = (raw: string) =>
    raw
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
  return {
    broker: env.BROKER_KR,
    kis: kisSettingsFromEnv(env),
    commissionRate: env.KIS_COMMISSION_BPS / 10_000,
    allowLeveraged: env.KR_ALLOW_LEVERAGED,
    paper: { startingCash: env.PAPER_STARTING_CASH_KR },
    execution: {
      perOrderBudget: env.EXEC_PER_ORDER_BUDGET_KR,
      dailyBudget: env.EXEC_DAILY_BUDGET_KR,
      ...(env.EXEC_MIN_PRICE_KR !== undefined ? { minPrice: env.EXEC_MIN_PRICE_KR } : {}),
      ...(env.EXEC_MAX_PRICE_KR !== undefined ? { maxPrice: env.EXEC_MAX_PRICE_KR } : {}),
      minTradedValue: env.EXEC_MIN_TRADED_VALUE_KR,
    },
    schedule: {
      scans: list(env.SCHEDULE_SCANS_KR),
      morningDigest: list(env.SCHEDULE_MORNING_DIGEST_KR),
      closeDigest: list(env.SCHEDULE_CLOSE_DIGEST_KR),
      exits: list(env.SCHEDULE_EXITS_KR),
      mark: list(env.SCHEDULE_MARK_KR),
      reconcile: list(env.SCHEDULE_RECONCILE_KR),
      hypotheses: list(env.SCHEDULE_HYPOTHESES_KR),
      graceMinutes: env.SCHEDULE_GRACE_MINUTES,
    },
  };
}

/** Every variable of the schema, in the schema's order. */
export const SETTING_NAMES: readonly string[] = Object.keys(envSchema.shape);

/** The parsed settings as the pin sees them: only schema variables, local mode's demo budgets applied when unset. */
function effectiveSettings(env: Env, source: NodeJS.ProcessEnv, envFile: EnvFileReport | null, localDemo: boolean): ConfigSettings {
  const values: Record<string, unknown> = {};
  for (const name of SETTING_NAMES) values[name] = (env as Record<string, unknown>)[name];
  const localDefaults: string[] = [];
  const demoBudgets = { EXEC_PER_ORDER_BUDGET: LOCAL_DEMO_BUDGETS.perOrder, EXEC_DAILY_BUDGET: LOCAL_DEMO_BUDGETS.daily };
  for (const [name, value] of Object.entries(demoBudgets)) {
    if (!localDemo || source[name]) continue;
    values[name] = value;
    localDefaults.push(name);
  }
  return { values, given: SETTING_NAMES.filter((n) => source[n] !== undefined && !localDefaults.includes(n)), envFile, localDefaults };
}

/** How much of a setting is secret: all of it, its URL's password, or none. */
export function secrecyOf(name: string): 'whole' | 'password' | 'none' {
  if ((SECRET_SETTINGS as readonly string[]).includes(name)) return 'whole';
  if ((URL_SETTINGS as readonly string[]).includes(name)) return 'password';
  return 'none';
}

/** The variable the migration URL came from, for messages about it. */
export function migrationSetting(config: Pick<Config, 'db'>): 'DATABASE_URL' | 'MIGRATION_DATABASE_URL' {
  return config.db.migrationUrl === config.db.url ? 'DATABASE_URL' : 'MIGRATION_DATABASE_URL';
}

/** Settings whose whole value is a secret. */
const SECRET_SETTINGS = ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'CALLBACK_SECRET', 'APCA_API_KEY_ID', 'APCA_API_SECRET_KEY', 'HTTP_ADMIN_TOKEN', 'KIS_APP_KEY', 'KIS_APP_SECRET'] as const;
/** Connection URLs: their password is a secret. */
const URL_SETTINGS = ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'REDIS_URL'] as const;

/**
 * The values no log line or error text may show, from raw or parsed settings
 * (the CLI scrubs with it even when the configuration does not load: library
 * errors can embed request URLs with the bot token, or connection strings).
 */
export function secretValues(env: Readonly<Record<string, unknown>>): string[] {
  const str = (k: string) => (typeof env[k] === 'string' ? (env[k] as string) : undefined);
  return [...SECRET_SETTINGS.map(str), ...URL_SETTINGS.map((k) => passwordOf(str(k) ?? ''))].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

function passwordOf(url: string): string | undefined {
  try {
    const p = new URL(url).password;
    return p ? decodeURIComponent(p) : undefined;
  } catch {
    return undefined;
  }
}

import { z } from 'zod';
import { parseAllowList } from '../../lib/roles.js';
import { timeListProblem } from '../../engine/schedule/slots.js';
import { DEFAULT_KR_COMMISSION_RATE } from '../../engine/market/fees.js';
import { KIS_ENV_FIELDS, kisEnvProblems } from '../../adapters/brokers/kis/env.js';
import { krTimeListProblem, type KrScheduleList } from './kr-schedule.js';

/** A comma-separated list of slot times (`09:35`, `open+5`, `close-5`), checked by the scheduler's own parser. */
const timeList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .superRefine((raw, ctx) => {
      const problem = timeListProblem(raw);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** A comma-separated list of Seoul times for the KR market (SCHEDULE_*_KR), checked against a regular KRX day. */
const krTimeList = (fallback: string, list: KrScheduleList = 'other') =>
  z
    .string()
    .default(fallback)
    .superRefine((raw, ctx) => {
      const problem = krTimeListProblem(raw, list);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));

/** An amount in KRW: whole won (the won has no smaller unit in use), e.g. `100000`, without separators. */
const WHOLE_WON = 'must be whole won (KRW has no decimals), written without separators, e.g. 100000';
const won = () => z.coerce.number({ message: WHOLE_WON }).int(WHOLE_WON);
const positiveWon = (fallback: number) => won().positive('must be more than 0 won').default(fallback);
/** Blank or unset: no bound (coerce alone would read a blank as 0). */
const optionalWon = () => optionalText.pipe(z.coerce.number<string | undefined>({ message: WHOLE_WON }).int(WHOLE_WON).positive('must be more than 0 won').optional());

/** KIS_COMMISSION_BPS's default: the engine's KR commission rate (a fraction of the fill's value) in basis points, 1.5. */
const DEFAULT_KR_COMMISSION_BPS = Math.round(DEFAULT_KR_COMMISSION_RATE * 10_000 * 1e6) / 1e6;

function hasScheme(url: string, schemes: string[]): boolean {
  try {
    return schemes.includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * Every environment variable Courtside reads, with its default.
 * Documented one by one in `.env.example`; keep the two in step.
 */
export const envSchema = z
  .object({
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TELEGRAM_BOT_TOKEN: optionalText.pipe(
      z
        .string()
        .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'must look like 123456789:AA… (the token @BotFather gave you)')
        .optional(),
    ),
    TELEGRAM_API_ROOT: z.url({ message: 'must be a URL such as https://api.telegram.org' }).default('https://api.telegram.org'),
    TELEGRAM_ALLOWED_USER_IDS: z
      .string()
      .default('')
      .superRefine((raw, ctx) => {
        const allow = parseAllowList(raw);
        if (!allow.ok) for (const p of allow.problems) ctx.addIssue({ code: 'custom', message: p });
      }),
    TELEGRAM_WEBHOOK_URL: optionalText.pipe(z.url({ message: 'must be an https URL Telegram can reach' }).optional()),
    TELEGRAM_WEBHOOK_SECRET: optionalText.pipe(
      z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ or -').optional(),
    ),
    CALLBACK_SECRET: optionalText,
    DATABASE_URL: z
      .string()
      .default('postgres://postgres@127.0.0.1:5432/courtside')
      .refine((v) => hasScheme(v, ['postgres:', 'postgresql:']), 'must be postgres://user[:pass]@host:port/db'),
    /** The role that owns the schema, used only to create the database and run migrations; default DATABASE_URL. */
    MIGRATION_DATABASE_URL: optionalText.pipe(
      z
        .string()
        .refine((v) => hasScheme(v, ['postgres:', 'postgresql:']), 'must be postgres://user[:pass]@host:port/db (the role that runs migrations)')
        .optional(),
    ),
    REDIS_URL: z
      .string()
      .default('redis://127.0.0.1:6379')
      .refine((v) => hasScheme(v, ['redis:', 'rediss:']), 'must be redis://host:port'),
    REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only').default('courtside'),
    HTTP_HOST: z.string().default('127.0.0.1'),
    HTTP_PORT: port.default(8080),
    /** Unlocks /metrics and the full /readyz (`Authorization: Bearer …`); never logged. */
    HTTP_ADMIN_TOKEN: optionalText.pipe(
      z.string().regex(/^[\x21-\x7e]{16,256}$/, 'must be 16-256 printable characters without spaces, e.g. from `openssl rand -hex 24`').optional(),
    ),
    LOCAL_BOT_API_PORT: port.default(8081),
    LOCAL_USER_ID: positiveInt.default(1),
    COURTSIDE_HOME: z.string().default('.courtside'),
    NOTIFY_CHAT_BURST: positiveInt.default(20),
    NOTIFY_CHAT_PER_SEC: z.coerce.number().positive().default(1),
    NOTIFY_GLOBAL_PER_SEC: positiveInt.default(30),
    /** Per user: commands and button presses a minute (an admin's /kill, /resume and their buttons are exempt). */
    USER_RATE_PER_MIN: positiveInt.default(20),
    /** Per user: how many of them may arrive at once. */
    USER_RATE_BURST: positiveInt.default(5),
    /** Per user: jobs waiting or running at once; the next is refused until one finishes. */
    USER_MAX_QUEUED: positiveInt.default(3),
    WORKER_CONCURRENCY: positiveInt.default(8),
    HEARTBEAT_INTERVAL_MS: positiveInt.default(60_000),
    HEARTBEAT_STALE_MS: positiveInt.default(300_000),
    QUEUE_TIMEOUT_MS: positiveInt.default(800),
    SEED_DEFAULT_DATA: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    QUICKCHART_URL: optionalText.pipe(z.url({ message: 'must be the URL of your QuickChart server, e.g. http://127.0.0.1:3400' }).optional()),
    SIZING_EQUITY: z.coerce.number().positive().default(100_000),
    SIZING_RISK_PCT: z.coerce.number().positive().max(100).default(0.5),
    SIZING_MAX_POSITION_PCT: z.coerce.number().positive().max(100).default(10),
    KOBE_SIZING: z.enum(['fixed', 'kelly'], { message: 'must be fixed (SIZING_RISK_PCT per pick) or kelly (half-Kelly, as LIVE hypotheses)' }).default('fixed'),
    SCAN_TOP_N: z.coerce.number().int().min(1).max(20).default(5),
    /** The decision journal's scan rows (signals and card decisions); off only to measure its cost (npm run bench). */
    JOURNAL_ENABLED: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    SCAN_CHUNK_SIZE: z.coerce.number().int().min(10).max(2000).default(150),
    PICK_TTL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
    POLL_LOCK_TTL_MS: z.coerce.number().int().min(1_000).default(30_000),
    BROKER: z.enum(['paper', 'alpaca-paper', 'alpaca-live'], { message: 'must be paper, alpaca-paper or alpaca-live' }).default('paper'),
    APCA_API_KEY_ID: optionalText,
    APCA_API_SECRET_KEY: optionalText,
    ALPACA_TRADING_URL: optionalText.pipe(z.url({ message: 'must be a URL such as https://paper-api.alpaca.markets' }).optional()),
    ALPACA_DATA_URL: optionalText.pipe(z.url({ message: 'must be a URL such as https://data.alpaca.markets' }).optional()),
    ALPACA_LIVE_CONFIRM: optionalText,
    /** Requests a minute this installation may send to Alpaca's trading API per key, across every process (Alpaca allows 200). */
    ALPACA_MAX_RPM: z.coerce.number().int().min(10).max(10_000).default(180),
    /** Of ALPACA_MAX_RPM, the share only /kill's cancel-all, its proof and cancels may use: polling never starves them. */
    ALPACA_RESERVED_RPM: z.coerce.number().int().min(1).max(5_000).default(30),
    /**
     * Time in force of orders at Alpaca: ioc (default) or day, for an account that refuses IOC.
     * Despite the name it covers exits too (stop, time stop, target, /close, /kill flatten): with
     * day every entry and every exit sell goes as a DAY limit Courtside cancels after
     * ALPACA_DAY_CANCEL_AFTER_S unfilled, booking what filled, under the same exactly-once rules.
     */
    ALPACA_ENTRY_TIF: z.enum(['ioc', 'day'], { message: 'must be ioc or day' }).default('ioc'),
    /** With ALPACA_ENTRY_TIF=day: seconds an entry or exit order may rest unfilled before Courtside cancels it. */
    ALPACA_DAY_CANCEL_AFTER_S: z.coerce.number().int().min(1).max(3_600).default(30),
    PAPER_STARTING_CASH: z.coerce.number().positive().default(100_000),
    PAPER_SLIPPAGE_BPS: z.coerce.number().min(0).max(500).default(2),
    PAPER_SPREAD_BPS: z.coerce.number().min(0).max(500).default(5),
    EXEC_PER_ORDER_BUDGET: z.coerce.number().positive().default(75),
    EXEC_DAILY_BUDGET: z.coerce.number().positive().default(1_000),
    EXEC_MIN_PRICE: optionalText.pipe(z.coerce.number<string | undefined>().positive().optional()),
    EXEC_MAX_PRICE: optionalText.pipe(z.coerce.number<string | undefined>().positive().optional()),
    EXEC_MIN_DOLLAR_ADV: z.coerce.number().min(0).default(100_000),
    EXEC_MAX_SPREAD_PCT: z.coerce.number().positive().max(100).default(0.5),
    EXEC_MAX_ORDER_PCT_ADV: z.coerce.number().positive().max(100).default(1),
    EXEC_MAX_OPEN_POSITIONS: positiveInt.default(5),
    EXEC_MAX_POSITION_PCT: z.coerce.number().positive().max(100).default(10),
    EXEC_MAX_DRIFT_PCT: z.coerce.number().positive().max(100).default(2),
    /** Correlation limits (issue 21): sessions of daily returns, the pairwise correlation that makes a cluster, a cluster's largest open risk in % of equity. */
    CORR_LOOKBACK: z.coerce.number().int().min(10).max(1_000).default(60),
    CORR_LIMIT: z.coerce.number().gt(0).max(1).default(0.7),
    CORR_CLUSTER_RISK_PCT: z.coerce.number().positive().max(100).default(2),
    /** Value at risk (issue 21): sessions of joint daily returns bootstrapped, paths, seed, and the 99 % VaR limit in % of equity for new entries. */
    VAR_LOOKBACK: z.coerce.number().int().min(20).max(5_000).default(250),
    VAR_PATHS: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
    VAR_SEED: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(20_261_207),
    VAR_LIMIT_PCT: z.coerce.number().positive().max(100).default(3),
    /** Execution drift (issue 21): alert when the rolling median slippage (fill vs card limit, in bps) widens past this. */
    EXEC_SLIPPAGE_ALERT_BPS: z.coerce.number().positive().max(10_000).default(25),
    EXEC_LIMIT_BUFFER_PCT: z.coerce.number().min(0).max(5).default(0.1),
    EXEC_SIZE_TO_BUDGET: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    EXEC_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
    EXEC_WAIT_TIMEOUT_MS: positiveInt.default(30_000),
    /**
     * How long after an approval's execution job first started, its outcome still not known (the broker
     * slow to answer or to fill; the job retrying), the trader is told once that it is still being checked.
     */
    EXEC_TELL_PENDING_AFTER_MS: positiveInt.default(30_000),
    EXEC_TIME_STOP_BARS: z.coerce.number().int().min(1).max(100).default(5),
    /**
     * How old an order's attempt mark must be before the recovery pass settles it (looks it up; books it, or
     * closes it failed when the broker has none). Longer than one executor's worst case holding it: the Alpaca
     * POST timeout (10 s) + its look-up window after an unknown answer (15 s) + EXEC_WAIT_TIMEOUT_MS (30 s).
     * The pass also skips any approval whose lock a live run holds.
     */
    EXEC_RESOLVE_AFTER_MS: positiveInt.default(120_000),
    /** How often every worker runs the recovery pass (it also runs at start-up). Tests set it short. */
    EXEC_RESOLVE_EVERY_MS: positiveInt.default(60_000),
    EXIT_LIMIT_BUFFER_PCT: z.coerce.number().min(0).max(10).default(0.5),
    EXIT_TIME_STOP_LEAD_MIN: z.coerce.number().int().min(1).max(120).default(15),
    EXIT_DURING_KILL: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    /** Stop and time-stop exits only while a regular session is open (IOC orders execute nowhere else). Tests of the exit path outside market hours set false. */
    EXIT_REQUIRE_OPEN_SESSION: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    /** When orders can fill: the exchange's regular sessions (production), or `always` (tests of the fill path only). */
    MARKET_HOURS: z.enum(['exchange', 'always'], { message: 'must be exchange or always' }).default('exchange'),
    SCHEDULE_ENABLED: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    SCHEDULE_SCANS: timeList('09:35,10:30,close-5'),
    SCHEDULE_MORNING_DIGEST: timeList('08:45'),
    SCHEDULE_CLOSE_DIGEST: timeList('close+15'),
    SCHEDULE_EXITS: timeList('close-10'),
    SCHEDULE_MARK: timeList('close+10'),
    SCHEDULE_RECONCILE: timeList('09:20,close+35'),
    /** The hypotheses' session job (shadow-book review, generator, incubation) for US; empty = off. */
    SCHEDULE_HYPOTHESES: timeList('close+45'),
    /** The weekly review, after the last session of each week only (Friday, or earlier before a holiday); empty = off. */
    SCHEDULE_WEEKLY_REVIEW: timeList('close+60'),
    SCHEDULE_GRACE_MINUTES: z.coerce.number().int().min(1).max(120).default(10),
    DEADMAN_INTERVAL_MS: positiveInt.default(60_000),
    DEADMAN_EXPECTED_ROLES: z
      .string()
      .default('')
      .refine((v) => v.split(',').every((r) => ['', 'bot', 'worker', 'scheduler'].includes(r.trim())), 'must list roles among bot, worker, scheduler'),
    MTM_BENCHMARK: z.string().regex(/^[A-Za-z0-9.-]{1,15}$/, 'must be a ticker such as SPY').default('SPY'),
    /** Circuit breaker: the kill switch engages itself when a market's session loss (realized + unrealized) reaches this % of its equity; 0 turns it off. */
    CIRCUIT_DAILY_LOSS_PCT: z.coerce.number({ message: 'must be a percentage from 0 (off) to 100, e.g. 3' }).min(0, 'must be from 0 (off) to 100').max(100, 'must be from 0 (off) to 100').default(3),
    /** Circuit breaker: …and after this many consecutive orders the broker rejected; 0 turns it off. */
    CIRCUIT_REJECTS: z.coerce.number({ message: 'must be a whole number, e.g. 5 (0: off)' }).int('must be a whole number, e.g. 5 (0: off)').min(0, 'must be 0 (off) or more').default(5),
    // --- The Korean market (issue 15): amounts in whole won, times in Seoul time (KST). ---
    /** BROKER_KR, KIS_LIVE_CONFIRM, KIS_APP_KEY, KIS_APP_SECRET, KIS_ACCOUNT, KIS_API_URL, KIS_MAX_RPS: the KIS adapter's own definitions and rules. */
    ...KIS_ENV_FIELDS,
    /**
     * KIS commission in basis points of a fill's value, both sides. Default the engine's
     * DEFAULT_KR_COMMISSION_RATE (1.5 bps = 0.015 %): KIS's rate depends on the account and
     * channel, so set your own. The same rate is applied on kis-virtual (KIS charges nothing
     * there) so virtual results are not flattered.
     */
    KIS_COMMISSION_BPS: z.coerce
      .number({ message: 'must be basis points of the fill value, e.g. 1.5 (= 0.015 %)' })
      .min(0, 'must be basis points from 0 to 100, e.g. 1.5 (= 0.015 %)')
      .max(100, 'must be basis points from 0 to 100, e.g. 1.5 (= 0.015 %)')
      .default(DEFAULT_KR_COMMISSION_BPS),
    /** Leveraged and inverse KRX ETFs in KR picks: off by default (KR brokers require a pre-course and a deposit before the first buy). */
    KR_ALLOW_LEVERAGED: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .default('false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
    EXEC_PER_ORDER_BUDGET_KR: positiveWon(100_000),
    EXEC_DAILY_BUDGET_KR: positiveWon(1_000_000),
    /** LiquidityGate for KR: the 20-session average traded value (거래대금) in won. */
    EXEC_MIN_TRADED_VALUE_KR: won().min(0, 'must be 0 won or more').default(1_000_000_000),
    EXEC_MIN_PRICE_KR: optionalWon(),
    EXEC_MAX_PRICE_KR: optionalWon(),
    PAPER_STARTING_CASH_KR: positiveWon(10_000_000),
    /** KR picks are posted before the KRX pre-open auction (08:30 KST); approvals then go through the open queue. */
    SCHEDULE_SCANS_KR: krTimeList('08:10'),
    SCHEDULE_MORNING_DIGEST_KR: krTimeList('08:00'),
    SCHEDULE_CLOSE_DIGEST_KR: krTimeList('close+15'),
    /** Exits sell with IOC limits: only in the continuous session, 09:00–15:20 KST on a regular day. */
    SCHEDULE_EXITS_KR: krTimeList('15:10', 'exits'),
    SCHEDULE_MARK_KR: krTimeList('close+10'),
    SCHEDULE_RECONCILE_KR: krTimeList('08:20,close+35'),
    /** The KR hypotheses' session review, generation and incubation, after the KRX close and its mark. */
    SCHEDULE_HYPOTHESES_KR: krTimeList('close+45'),
  })
  // Cross-field rules run even when single fields failed, so one message lists every problem.
  .check(
    z.superRefine((env, ctx) => {
      const allow = typeof env.TELEGRAM_ALLOWED_USER_IDS === 'string' ? parseAllowList(env.TELEGRAM_ALLOWED_USER_IDS) : null;
      if (env.TELEGRAM_BOT_TOKEN && allow?.ok && allow.value.size === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['TELEGRAM_ALLOWED_USER_IDS'],
          message: 'is empty: with a real bot token nobody could use the bot. Add your ID, e.g. 123456789:admin',
        });
      }
      if (env.BROKER !== 'paper' && (!env.APCA_API_KEY_ID || !env.APCA_API_SECRET_KEY)) {
        ctx.addIssue({
          code: 'custom',
          path: [env.APCA_API_KEY_ID ? 'APCA_API_SECRET_KEY' : 'APCA_API_KEY_ID'],
          message: `is required with BROKER=${String(env.BROKER)}: set APCA_API_KEY_ID and APCA_API_SECRET_KEY from your Alpaca dashboard, or use BROKER=paper`,
        });
      }
      if (env.BROKER === 'alpaca-live' && env.ALPACA_LIVE_CONFIRM !== 'real-money') {
        ctx.addIssue({
          code: 'custom',
          path: ['ALPACA_LIVE_CONFIRM'],
          message: 'must be "real-money" with BROKER=alpaca-live: live trading places real orders. Use BROKER=alpaca-paper to try it first',
        });
      }
      for (const p of kisEnvProblems(env)) ctx.addIssue({ code: 'custom', path: [p.key], message: p.message });
      if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) {
        ctx.addIssue({
          code: 'custom',
          path: ['TELEGRAM_WEBHOOK_SECRET'],
          message: 'is required with TELEGRAM_WEBHOOK_URL so forged webhook calls are rejected',
        });
      }
    }),
  );

export type Env = z.infer<typeof envSchema>;

import type { AppContext } from './context.js';
import { brokerCheckDepsFor } from './preflight-broker.js';
import { brokerChecks } from '../trading/preflight/broker-checks.js';
import type { PreflightCheck, PreflightReport, PreflightRunner } from '../trading/preflight/types.js';
import { runPreflight } from '../trading/preflight/run.js';
import { configFileCheck, type SettingsFileFacts } from '../trading/preflight/checks/config-file.js';
import { postgresChecks } from '../trading/preflight/checks/postgres.js';
import { redisChecks } from '../trading/preflight/checks/redis.js';
import { telegramChecks } from '../trading/preflight/checks/telegram.js';
import { dataSourcesCheck } from '../trading/preflight/checks/data-sources.js';
import { calendarCheck } from '../trading/preflight/checks/calendar.js';
import { killSwitchCheck } from '../trading/preflight/checks/kill-switch.js';
import { clockSkewCheck } from '../trading/preflight/checks/clock-skew.js';
import { afterPostgres, barsProbe, killSwitchProbe, postgresProbe, redisProbe, redisReady, telegramProbe, whereOf } from './preflight-ports.js';
import { lastCompletedSession } from '../trading/market-clock.js';
import { nyLocalParts, sessionsBetween, sessionsOf } from '../engine/calendar/index.js';
import { recordPreflight } from '../trading/preflight/gate.js';
import { configPinCheck } from '../trading/preflight/checks/config-pin.js';
import { quotesCheck } from '../trading/preflight/checks/quotes.js';
import { createTradingDeps } from './trading-deps.js';
import { isDataProviderError } from '../adapters/market-data/errors.js';
import { z } from 'zod';
import { pgText } from '../lib/sql-columns.js';
import { parseRows } from '../lib/sql-rows.js';

/** The markets this build trades (issue 20 names `kr` too: KIS is not built yet). */
export const PREFLIGHT_MARKETS = ['us'] as const;
export type PreflightMarket = (typeof PREFLIGHT_MARKETS)[number];

export interface PreflightChecksOptions {
  /** The settings file the CLI read; a running role leaves it out (it was read at start-up). */
  envFile?: SettingsFileFacts | null;
  /** Settles once Postgres's first connection was tried (the CLI's context); a running role is already connected. */
  pgReady?: Promise<unknown>;
  /** Only this market's checks besides the installation's own (default: every market). */
  market?: PreflightMarket;
  /** The app's clock (tests move it). */
  now?: () => number;
}

/**
 * Every preflight check of this installation, wired from the app's services
 * (issue 20, item 1): one list for `courtside preflight`, /preflight and the
 * start-up run. The broker's checks come from broker-checks.ts (their deps
 * from preflight-broker.ts).
 */
export function preflightChecks(app: AppContext, opts: PreflightChecksOptions = {}): PreflightCheck[] {
  const { config } = app;
  const now = opts.now ?? (() => Date.now());
  const pgReady = opts.pgReady ?? Promise.resolve();
  const pg = postgresProbe(app.ds, config.db.url, pgReady);
  const pgWhere = whereOf(config.db.url);
  const markets = opts.market ? [opts.market] : [...PREFLIGHT_MARKETS];
  const checks: PreflightCheck[] = [
    configFileCheck({
      file: opts.envFile ?? null,
      problems: [],
      summary: `${config.local.enabled ? 'local mode' : config.telegram.webhook ? 'Telegram webhook' : 'Telegram polling'} · broker ${config.broker.kind}`,
    }),
    ...postgresChecks(pg),
    ...redisChecks(redisProbe(app.redis, config.redis.url), { liveBroker: config.broker.kind === 'alpaca-live' ? config.broker.kind : null }),
    ...telegramChecks({
      local: config.local.enabled,
      apiRoot: config.telegram.apiRoot,
      allowed: config.telegram.allowed,
      webhookUrl: config.telegram.webhook?.url ?? null,
      probe: telegramProbe(config.telegram.apiRoot, config.telegram.token),
    }),
    killSwitchCheck(killSwitchProbe(app.killSwitch, pgReady, pgWhere, () => redisReady(app.redis, whereOf(config.redis.url)), app.log)),
    afterPostgres(configPinCheck({ db: app.uow, staleMs: config.heartbeat.staleMs, expected: app.statusSources.configPin ?? null }), pgReady, pgWhere),
    clockSkewCheck({
      id: 'clock.postgres',
      other: 'Postgres',
      now,
      read: () => pg.serverNow(),
      fix: "Sync this machine's clock (NTP: `timedatectl set-ntp true`, or chrony) and the database server's until they agree within 2 s.",
    }),
  ];
  for (const market of markets) {
    checks.push(
      dataSourcesCheck({ market, bars: barsProbe(app.ds, pgReady, pgWhere), now, lastCompletedSession, sessionsAfter: (from, to) => sessionsBetween(from, to).filter((d) => d > from).length }),
      quotesCheckFor(app, pgReady, pgWhere),
      calendarCheck({ market, exchange: 'NYSE', now, today: (ms) => nyLocalParts(ms).date, sessionsOf, source: 'src/engine/calendar' }),
    );
  }
  const broker = brokerChecks(brokerCheckDepsFor(app));
  return [...checks, ...broker.filter((c) => !c.market || markets.includes(c.market as PreflightMarket))];
}

const SymbolRow = z.object({ symbol: pgText });

/**
 * The quotes the order path re-prices with (Alpaca's data API when keys are
 * set, else the stored bars), built the way the order path builds them, asked
 * for MTM_BENCHMARK's latest quote.
 */
function quotesCheckFor(app: AppContext, pgReady: Promise<unknown>, pgWhere: string): PreflightCheck {
  const { config } = app;
  const source = config.broker.alpaca ? 'alpaca' : 'stored-bars';
  const check = quotesCheck({
    source,
    // The benchmark when it is stored (every feed carries it), else the newest stored symbol of real
    // data (a DEMO symbol exists only here), else the benchmark.
    symbol: async () => {
      try {
        await pgReady;
        const q = app.ds
          .createQueryBuilder()
          .select('s.symbol', 'symbol')
          .from('bar_symbols', 's')
          // The US quote feed is asked about a US symbol only, never a six-digit KRX code.
          .where("s.market = 'US'")
          .orderBy('(s.symbol = :benchmark)', 'DESC')
          .addOrderBy('s.demo')
          .addOrderBy('s.last_date', 'DESC')
          .addOrderBy('s.symbol')
          .setParameter('benchmark', config.exits.benchmark)
          .limit(1);
        return parseRows(SymbolRow, await q.getRawMany(), q.getQuery())[0]?.symbol ?? config.exits.benchmark;
      } catch (err) {
        // Only which symbol to ask for: the quote request itself (or the Postgres check) reports a database that is down.
        app.log.debug({ err }, 'preflight quotes: no stored symbol to ask for; asking for the benchmark');
        return config.exits.benchmark;
      }
    },
    brokerIsAlpaca: config.broker.kind !== 'paper',
    latestQuote: async (symbol) => {
      try {
        return await createTradingDeps(config, app.ds, app.log.child({ component: 'preflight-quotes' })).quotes.latestQuote(symbol);
      } catch (err) {
        if (isDataProviderError(err, 'not_found')) return null;
        throw err;
      }
    },
  });
  // Stored-bar quotes read Postgres: with Postgres down the check points at it.
  return source === 'alpaca' ? check : afterPostgres(check, pgReady, pgWhere);
}

/**
 * The preflight a running role offers (/preflight): the same list as the CLI,
 * built at each run so it sees the services as they are then.
 */
export function preflightRunner(app: AppContext, opts: Pick<PreflightChecksOptions, 'now'> = {}): PreflightRunner {
  return {
    markets: PREFLIGHT_MARKETS,
    run: async (o = {}) => {
      const market = (PREFLIGHT_MARKETS as readonly string[]).includes(o.market ?? '') ? (o.market as PreflightMarket) : undefined;
      const report = await runPreflight(preflightChecks(app, { ...opts, ...(market ? { market } : {}) }), { scrub: app.scrub });
      await recordRun(app, report, o.by ?? 'telegram');
      return report;
    },
  };
}

/**
 * Records a run (the CLI and /preflight): a run without ✗ lifts the entry gate
 * of a live broker, one with a ✗ (re)opens the admins' alert. The report is
 * shown whatever happens here: with Postgres down it cannot be recorded, and
 * the run's own ✗ already says why.
 */
export async function recordRun(app: Pick<AppContext, 'uow' | 'alerts' | 'config' | 'log'>, report: PreflightReport, by: string): Promise<void> {
  try {
    await recordPreflight(app.uow, report, by, { alerts: app.alerts, broker: app.config.broker.kind });
  } catch (err) {
    app.log.warn({ err }, 'preflight run not recorded (the entry gate keeps its last recorded run)');
  }
}

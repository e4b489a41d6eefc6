import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, secretValues } from '../../app/config/config.js';
import { originOf, type EnvFileReport } from '../../app/config/env-file.js';
import { openPreflightContext } from '../../app/preflight-context.js';
import { PREFLIGHT_MARKETS, preflightChecks, recordRun, type PreflightMarket } from '../../app/preflight-checks.js';
import { makeScrubber } from '../../lib/logging/scrub.js';
import { configFileCheck, type SettingsFileFacts } from '../../trading/preflight/checks/config-file.js';
import { runPreflight } from '../../trading/preflight/run.js';
import type { PreflightLevel, PreflightReport } from '../../trading/preflight/types.js';
import { UsageError, type CliCommand } from '../command.js';
import { wallTime } from '../../lib/durations.js';

const MARK: Record<PreflightLevel, string> = { pass: '✓', warn: '⚠', fail: '✗' };
/** Closing the connections after the report never holds the command longer than this. */
const CLOSE_WAIT_MS = 1_000;

/** One line per check, its fix under it, then the summary with the wall time. */
export function reportText(r: PreflightReport, market: string | null): string {
  const lines = [`Preflight${market ? ` (${market})` : ''} at ${r.at.slice(0, 19).replace('T', ' ')} UTC`];
  for (const x of r.results) {
    lines.push(`${MARK[x.level]} ${x.title} — ${x.saw}`);
    if (x.fix) lines.push(`  fix: ${x.fix}`);
  }
  const n = (l: PreflightLevel) => r.results.filter((x) => x.level === l).length;
  const verdict = r.level === 'fail' ? '✗ Not ready' : r.level === 'warn' ? '⚠ Ready, with warnings' : '✓ Ready';
  lines.push(`${verdict}: ${n('pass')} passed, ${n('warn')} warning${n('warn') === 1 ? '' : 's'}, ${n('fail')} failed — ${r.results.length} checks in ${wallTime(r.ms)}`);
  return `${lines.join('\n')}\n`;
}

function fileFacts(f: EnvFileReport | null): SettingsFileFacts | null {
  return f ? { path: f.path, chosenBy: f.chosenBy, found: f.found, applied: f.applied.size, overridden: f.overridden } : null;
}

export const preflightCommand: CliCommand = {
  name: 'preflight',
  summary: 'Check that everything is ready before trading (preflight [--market us] [--json])',
  usage: [
    'courtside preflight [--market us] [--json]',
    '',
    'Runs every check at once, each with its own timeout: the settings file and its validation,',
    'Postgres and migrations, Redis and its persistence, the Telegram token, allow-list and',
    'polling/webhook state, the broker, each data source against the last completed session, the',
    'calendar for the next 365 days, the kill switch, and clock skew. One line per check (✓ ⚠ ✗,',
    'what it saw) and the fix under each one that is not a pass. --market limits the market checks',
    `(markets in this build: ${PREFLIGHT_MARKETS.join(', ')}). --json prints the report as JSON.`,
    'Exit 1 when any check fails (✗), 0 otherwise (warnings included).',
  ].join('\n'),
  async run(args, io, ctx) {
    let parsed;
    try {
      parsed = parseArgs({ args, options: { json: { type: 'boolean' }, market: { type: 'string' } }, strict: true, allowPositionals: false });
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    const wanted = parsed.values.market?.toLowerCase();
    if (wanted !== undefined && !(PREFLIGHT_MARKETS as readonly string[]).includes(wanted)) {
      throw new UsageError(`unknown market "${parsed.values.market}": this build has ${PREFLIGHT_MARKETS.join(', ')} (kr needs the KIS broker, not built yet)`);
    }
    const market = wanted as PreflightMarket | undefined;
    const envFile = ctx?.envFile ?? null;
    const print = (r: PreflightReport) => io.stdout(parsed.values.json ? `${JSON.stringify(r, null, 2)}\n` : reportText(r, market ?? null));

    let config;
    try {
      config = loadConfig();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      // Nothing else can be checked without a valid configuration: the one ✗ says what to fix.
      const problems = err.issues.map((i) => {
        if (!i.key) return `(settings) ${i.message}`;
        const origin = originOf(envFile, i.key.split('.')[0]!);
        return `${i.key}${origin ? ` (set in ${origin})` : ''} ${i.message}`;
      });
      const report = await runPreflight([configFileCheck({ file: fileFacts(envFile), problems })], { scrub: makeScrubber(secretValues(process.env)) });
      print(report);
      return 1;
    }

    const { app, pgReady } = openPreflightContext(config);
    try {
      const checks = preflightChecks(app, { envFile: fileFacts(envFile), pgReady, ...(market ? { market } : {}) });
      const report = await runPreflight(checks, { scrub: app.scrub });
      print(report);
      await recordRun(app, report, 'cli');
      return report.level === 'fail' ? 1 : 0;
    } finally {
      await Promise.race([app.close(), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
    }
  },
};

import type { AppContext } from './context.js';
import { preflightChecks } from './preflight-checks.js';
import { runPreflight } from '../trading/preflight/run.js';
import { entriesGatedBy, recordPreflight } from '../trading/preflight/gate.js';
import type { PreflightReport } from '../trading/preflight/types.js';
import { errText } from '../lib/errors.js';

/**
 * Whether a worker runs the preflight at start-up: with an Alpaca broker,
 * paper or live. Live: its result gates new entries (gate.ts). Paper: it is
 * recorded and a ✗ is told to admins, but entries are not blocked — a
 * careful trader wants to know a fault on paper before going live, not to
 * lose paper trading over it. The simulated paper broker (local mode,
 * tests) has nothing at a broker to check, so no start-up run.
 */
export function preflightAtStartup(brokerKind: string): boolean {
  return brokerKind === 'alpaca-paper' || brokerKind === 'alpaca-live';
}

/**
 * Runs every preflight check, records the run (the gate reads it) and, on a
 * ✗, opens the admins' alert naming the failing checks; a run without one
 * resolves an earlier alert. Never throws: exits and /kill must run whatever
 * it finds. Returns the report, or null when it could not be recorded (with
 * a live broker the gate then still reads the previous run, or none).
 */
export async function runStartupPreflight(app: AppContext, by: string): Promise<PreflightReport | null> {
  const log = app.log.child({ component: 'preflight' });
  const broker = app.config.broker.kind;
  try {
    const report = await runPreflight(preflightChecks(app), { scrub: app.scrub });
    await recordPreflight(app.uow, report, by, { alerts: app.alerts, broker });
    const failing = report.results.filter((r) => r.level === 'fail').map((r) => ({ id: r.id, saw: r.saw }));
    if (report.level === 'fail') {
      log.warn({ broker, failing, ms: report.ms }, entriesGatedBy(broker) ? 'start-up preflight failed: new entries are blocked until a preflight passes; exits and /kill still run' : 'start-up preflight failed (entries are not blocked on a paper account)');
    } else {
      log.info({ broker, level: report.level, ms: report.ms }, 'start-up preflight passed');
    }
    return report;
  } catch (err) {
    log.error({ broker, err: app.scrub(errText(err)) }, 'start-up preflight could not be run or recorded; run courtside preflight');
    return null;
  }
}

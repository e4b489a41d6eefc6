import type { Logger } from 'pino';
import { recoverStuck, type RecoveryReport } from '../../trading/execution/recover.js';
import { tellOutcome, type ExecutionQueueDeps } from './execution.js';

/** The recovery pass's timing (EXEC_RESOLVE_AFTER_MS, EXEC_RESOLVE_EVERY_MS). */
export interface StuckRecoverySettings {
  resolveAfterMs: number;
  everyMs: number;
}

/**
 * One recovery pass, told: every approval it booked or failed is told to the
 * approver's chat and its card edited, through the same `tellOutcome` as the
 * execution job and under the SAME key (`exec-<approvalId>-outcome`), so a
 * job retry that later reads the settled outcome does not tell it twice.
 * Exits it booked or closed go to the fills' recipients like the exits job's.
 */
export async function runStuckRecovery(deps: ExecutionQueueDeps, settings: Pick<StuckRecoverySettings, 'resolveAfterMs'>, log?: Logger): Promise<RecoveryReport> {
  // Each market's stuck orders are settled with its own broker (the KR lane's after the US one's).
  const lanes = [{ execution: deps.execution, exits: deps.exits }, ...(deps.kr ? [{ execution: deps.kr.execution, exits: deps.kr.exits }] : [])];
  const report: RecoveryReport = { entries: [], exits: [], errors: [] };
  for (const lane of lanes) {
    const r = await recoverStuck({ ...lane, resolveAfterMs: settings.resolveAfterMs, ...(log ? { logger: log } : {}) });
    report.entries.push(...r.entries);
    report.exits.push(...r.exits);
    report.errors.push(...r.errors);
  }
  for (const e of report.entries) {
    const r = e.result;
    if (r.kind !== 'booked' && r.kind !== 'failed') continue;
    // The approver's private chat (Telegram: a user's chat id is their user id); the card is found by its message ref.
    await tellOutcome(deps, r.outcome, { pickId: e.pickId, chatId: e.approvedBy }, `exec-${e.approvalId}-outcome`).catch((err: unknown) =>
      log?.warn({ approvalId: e.approvalId, err: String(err) }, 'recovered approval settled but not told yet'),
    );
  }
  const exits = report.exits.flatMap((x) => (x.kind === 'booked' || x.kind === 'closed' ? [x.outcome] : []));
  if (exits.length > 0) {
    const key = `recover-exits-${exits.map((x) => x.clientOrderId).join('-')}`.slice(0, 200);
    for (const r of await deps.fillRecipients()) {
      await deps.publisher.publish(r.chatId, { kind: 'execution.exits', outcomes: exits }, { key: `${key}-to-${r.chatId}`, silent: r.silent });
    }
  }
  const settled = report.entries.filter((e) => e.result.kind === 'booked' || e.result.kind === 'failed').length + exits.length;
  if (settled > 0) log?.warn({ settled, ambiguous: report.entries.filter((e) => e.result.kind === 'ambiguous').length }, 'recovery pass settled orders stuck after a crash');
  return report;
}

/** A running recovery loop. */
export interface StuckRecoveryLoop {
  /** Stops the timer and waits for a pass in flight. */
  stop(): Promise<void>;
}

/**
 * Runs the pass at start-up and then every `everyMs`, in this process (a plain
 * timer reading Postgres, so it works after Redis lost every job); a pass
 * still running when the next is due is not doubled.
 */
export function startStuckRecovery(deps: ExecutionQueueDeps, settings: StuckRecoverySettings, log?: Logger): StuckRecoveryLoop {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = runStuckRecovery(deps, settings, log)
      .catch((err: unknown) => log?.error({ err: String(err) }, 'recovery pass failed; it runs again at the next tick'))
      .finally(() => (running = null));
  };
  tick();
  const timer = setInterval(tick, settings.everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

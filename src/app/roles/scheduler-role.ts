import type { AppContext } from '../context.js';

/**
 * The scheduler role. It owns time-based work (scans, digests, reconciliation)
 * as those features land; today it runs only its heartbeat, which the start
 * orchestrator attaches to every role.
 */
export interface SchedulerRole {
  stop(): Promise<void>;
}

export function startSchedulerRole(app: AppContext): SchedulerRole {
  app.log.child({ role: 'scheduler' }).info('scheduler role started (no schedules configured yet)');
  return { async stop() {} };
}

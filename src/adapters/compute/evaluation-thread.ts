/**
 * A worker thread of the evaluation pool: keeps the last universe it was
 * sent (by key) and runs incubation evaluations on it, posting progress as
 * it goes. Pure engine work: no database, no Redis, no clock.
 */
import { parentPort } from 'node:worker_threads';
import type { BarSeries } from '../../engine/bars.js';
import { incubationRunSteps } from '../../engine/hypotheses/incubation-run.js';
import { unpackUniverse, type RunMessage, type ThreadMessage } from './evaluation-protocol.js';

/** Progress messages per task at most, so a 900-symbol run does not flood the main thread. */
const MAX_PROGRESS_MESSAGES = 100;

let cached: { key: string; series: readonly BarSeries[] } | null = null;

function post(m: ThreadMessage): void {
  parentPort!.postMessage(m);
}

parentPort!.on('message', (m: RunMessage) => {
  if (m.type !== 'run') return;
  if (m.universe !== null) cached = { key: m.universeKey, series: unpackUniverse(m.universe) };
  if (cached === null || cached.key !== m.universeKey) {
    post({ type: 'error', taskId: m.taskId, name: 'MissingUniverse', message: 'universe not loaded in this thread', missingUniverse: true });
    return;
  }
  try {
    const steps = incubationRunSteps(m.definition, cached.series, m.priorDailySharpes);
    let lastSent = -1;
    for (;;) {
      const r = steps.next();
      if (r.done) {
        post({ type: 'done', taskId: m.taskId, run: r.value });
        return;
      }
      const { done, total } = r.value;
      const bucket = Math.floor((done / Math.max(total, 1)) * MAX_PROGRESS_MESSAGES);
      if (bucket !== lastSent) {
        lastSent = bucket;
        post({ type: 'progress', taskId: m.taskId, done, total });
      }
    }
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', taskId: m.taskId, name: e.name, message: e.message });
  }
});

/**
 * A worker thread of the evaluation pool: keeps the last universe it was
 * sent (by key) and runs incubation evaluations on it, posting progress as
 * it goes. Pure engine work: no database, no Redis, no clock.
 */
import { spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { BarSeries } from '../../engine/bars.js';
import { incubationRunSteps } from '../../engine/hypotheses/incubation-run.js';
import { unpackUniverse, type RunMessage, type ThreadData, type ThreadMessage } from './evaluation-protocol.js';

/** Progress messages per task at most, so a 900-symbol run does not flood the main thread. */
const MAX_PROGRESS_MESSAGES = 100;

// Lowest priority first: on Linux the nice value of pid 0 is this thread's
// alone, so the main thread (approvals, /kill) keeps its own. Where the OS
// refuses, the thread runs at normal priority rather than not at all.
const data = workerData as ThreadData;
try {
  setPriority(data.niceness);
} catch {
  /* keep the inherited priority */
}
if (data.idleScheduling) idleSchedule();
const gate = new Int32Array(data.gate);

/**
 * Waits while the main thread holds the pool. In short slices, so a
 * terminate() (cancel, close) lands within one; the pool's lapse timer
 * bounds any hold.
 */
function waitWhileHeld(): void {
  for (let held = Atomics.load(gate, 0); held > 0; held = Atomics.load(gate, 0)) Atomics.wait(gate, 0, held, 100);
}

/**
 * Linux SCHED_IDLE for this thread alone (Node has no binding; util-linux's
 * chrt sets it by thread id). Unlike nice 19, a SCHED_IDLE thread is
 * preempted the moment a normal task wakes, so Postgres, Redis and the event
 * loop do not wait out its time slice. Without chrt or /proc, nice stays.
 */
function idleSchedule(): void {
  try {
    const tid = readlinkSync('/proc/thread-self').split('/').pop();
    if (tid === undefined || !/^\d+$/.test(tid)) return;
    spawnSync('chrt', ['--idle', '-p', '0', tid], { stdio: 'ignore', timeout: 2_000 });
  } catch {
    /* not Linux or no chrt: the nice value above still applies */
  }
}

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
      waitWhileHeld();
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

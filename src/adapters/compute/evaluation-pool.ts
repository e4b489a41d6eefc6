/**
 * Incubation evaluations on worker threads. A walk-forward over the whole
 * universe is seconds of pure CPU; run on the main thread it would hold up
 * every approval, /kill and Telegram update of the process meanwhile
 * (yielding between engine steps still blocks for a whole step). Threads
 * keep the event loop free and use every core.
 *
 * Each thread keeps the last universe it was sent, keyed by a cheap
 * fingerprint, so the bars cross the thread boundary once per universe
 * change, not once per hypothesis. Cancelling terminates the thread (the
 * engine loop cannot be interrupted otherwise); a fresh one replaces it.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { BarSeries } from '../../engine/bars.js';
import type { HypothesisDefinition } from '../../engine/hypotheses/definition.js';
import type { EvaluationRun } from '../../engine/hypotheses/incubation-run.js';
import { CancelledError } from '../../lib/errors.js';
import { ForegroundGate } from './foreground-gate.js';
import { packUniverse, type PackedUniverse, type RunMessage, type ThreadData, type ThreadMessage } from './evaluation-protocol.js';

/** Progress and cancellation of one evaluation. */
export interface PoolHooks {
  onProgress?(p: { done: number; total: number }): void;
  /** Polled every `cancelPollMs` while the evaluation runs; true terminates it with a CancelledError. */
  shouldCancel?(): boolean | Promise<boolean>;
}

export interface EvaluationPoolOptions {
  /**
   * Threads (default: one per core). They run at the lowest CPU priority
   * (`niceness`), so approvals, /kill, Postgres and Redis take a core the
   * moment they need one and incubation gets what is left over.
   */
  size?: number;
  /**
   * The threads' nice value, 0–19 (default 19, the lowest priority). On
   * Linux a thread's nice value is its own, so the main thread keeps its
   * priority. At 0, two threads on this 2-core machine put approve p50 at
   * 3.0× its idle figure while 50 incubations ran (npm run bench -- incubation).
   */
  niceness?: number;
  /**
   * Also put each thread in Linux's SCHED_IDLE class (default true): it then
   * yields its core the moment anything else wakes, where nice 19 alone can
   * still hold it for the rest of a time slice.
   */
  idleScheduling?: boolean;
  /**
   * The gate foreground work holds to pause the threads (default: a gate of
   * the pool's own, held through `hold()`).
   */
  gate?: ForegroundGate;
  /** How often a running evaluation's cancel hook is polled (default 500 ms). */
  cancelPollMs?: number;
  /** Hears, at debug, the errors the pool survives (a failed cancel poll, a thread that would not terminate). */
  log?: Pick<Logger, 'debug'>;
}

interface Task {
  id: number;
  key: string;
  series: readonly BarSeries[];
  definition: HypothesisDefinition;
  prior: readonly number[];
  hooks: PoolHooks;
  resolve(run: EvaluationRun): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  universeKey: string | null;
  timer: NodeJS.Timeout | null;
}

/** Thrown for an evaluation whose thread died (out of memory, a bug): the job may retry. */
export class EvaluationThreadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationThreadError';
  }
}

/**
 * A fixed pool of evaluation threads with a FIFO queue. `evaluate` has the
 * shape of the trading layer's HypothesisEvaluator.
 */
export class EvaluationPool {
  private readonly size: number;
  private readonly cancelPollMs: number;
  private readonly log: Pick<Logger, 'debug'> | undefined;
  private readonly niceness: number;
  private readonly idleScheduling: boolean;
  private readonly gate: ForegroundGate;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly keys = new WeakMap<readonly BarSeries[], string>();
  private nextId = 1;
  private closed = false;

  constructor(opts: EvaluationPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? availableParallelism()));
    this.niceness = Math.min(19, Math.max(0, Math.floor(opts.niceness ?? 19)));
    this.idleScheduling = opts.idleScheduling ?? true;
    this.gate = opts.gate ?? new ForegroundGate();
    this.cancelPollMs = opts.cancelPollMs ?? 500;
    this.log = opts.log;
  }

  /** Threads this pool runs at most. */
  get threads(): number {
    return this.size;
  }

  /** Evaluations waiting for a thread, and running. */
  get load(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.slots.filter((s) => s.task !== null).length };
  }

  /** Evaluates `definition` on `series` on a pool thread (same result as the engine's incubationRunSteps). */
  evaluate(definition: HypothesisDefinition, series: readonly BarSeries[], priorDailySharpes: readonly number[], hooks: PoolHooks = {}): Promise<EvaluationRun> {
    if (this.closed) return Promise.reject(new CancelledError('the evaluation pool is closed'));
    return this.keyOf(series).then(
      (key) =>
        new Promise<EvaluationRun>((resolve, reject) => {
          if (this.closed) throw new CancelledError('the evaluation pool is closed');
          this.queue.push({ id: this.nextId++, key, series, definition, prior: [...priorDailySharpes], hooks, resolve, reject });
          this.pump();
        }),
    );
  }

  /**
   * Pauses every thread at its next engine step until the returned release
   * is called (see ForegroundGate; the app shares one gate between the pool
   * and its foreground work).
   */
  hold(): () => void {
    return this.gate.hold();
  }

  /** Stops every thread; queued and running evaluations end with a CancelledError. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new CancelledError('the evaluation pool closed'));
    await Promise.all(this.slots.splice(0).map((s) => this.retire(s, new CancelledError('the evaluation pool closed'))));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.task === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private start(slot: Slot, task: Task): void {
    slot.task = task;
    slot.worker.ref();
    this.send(slot, task, slot.universeKey !== task.key);
    slot.universeKey = task.key;
    if (task.hooks.shouldCancel) {
      let polling = false;
      slot.timer = setInterval(() => {
        if (polling) return;
        polling = true;
        Promise.resolve(task.hooks.shouldCancel!())
          .then((cancel) => {
            if (cancel && slot.task === task) void this.retire(slot, new CancelledError('incubation cancelled'));
          })
          // A poll that fails (Redis away, say) cancels nothing: the next poll asks again.
          .catch((err: unknown) => this.log?.debug({ err }, 'incubation cancel poll failed; polling again'))
          .finally(() => {
            polling = false;
          });
      }, this.cancelPollMs);
    }
  }

  private send(slot: Slot, task: Task, withSeries: boolean): void {
    if (!withSeries) {
      this.post(slot, task, null);
      return;
    }
    packUniverse(task.series).then(
      (universe) => {
        // Cancelled or retired while packing: the slot moved on.
        if (slot.task === task && this.slots.includes(slot)) this.post(slot, task, universe);
      },
      (err: unknown) => {
        if (slot.task === task) void this.retire(slot, new EvaluationThreadError(`could not pack the universe: ${String(err)}`));
      },
    );
  }

  private post(slot: Slot, task: Task, universe: PackedUniverse | null): void {
    const m: RunMessage = { type: 'run', taskId: task.id, universeKey: task.key, universe, definition: task.definition, priorDailySharpes: task.prior };
    // The packed columns are a fresh buffer: transfer it instead of copying it again.
    slot.worker.postMessage(m, universe ? [universe.columns.buffer as ArrayBuffer] : []);
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startThread({ niceness: this.niceness, idleScheduling: this.idleScheduling, gate: this.gate.buffer }), task: null, universeKey: null, timer: null };
    slot.worker.unref();
    slot.worker.on('message', (m: ThreadMessage) => this.onMessage(slot, m));
    slot.worker.on('error', (err) => void this.retire(slot, new EvaluationThreadError(`evaluation thread failed: ${err.message}`)));
    slot.worker.on('exit', (code) => {
      if (this.slots.includes(slot)) void this.retire(slot, new EvaluationThreadError(`evaluation thread exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private onMessage(slot: Slot, m: ThreadMessage): void {
    const task = slot.task;
    if (!task || task.id !== m.taskId) return;
    if (m.type === 'progress') {
      task.hooks.onProgress?.({ done: m.done, total: m.total });
      return;
    }
    if (m.type === 'error' && m.missingUniverse) {
      this.send(slot, task, true);
      return;
    }
    this.finish(slot);
    if (m.type === 'done') task.resolve(m.run);
    else task.reject(m.name === 'RangeError' ? new RangeError(m.message) : new Error(`${m.name}: ${m.message}`));
    this.pump();
  }

  /** Frees the slot for the next task. */
  private finish(slot: Slot): void {
    if (slot.timer) clearInterval(slot.timer);
    slot.timer = null;
    slot.task = null;
    slot.worker.unref();
  }

  /** Terminates the slot's thread (its task, if any, ends with `err`) and lets a fresh one take its place. */
  private async retire(slot: Slot, err: Error): Promise<void> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const task = slot.task;
    this.finish(slot);
    task?.reject(err);
    // The task has its answer already; a thread that fails to stop is gone from the pool either way.
    await slot.worker.terminate().catch((e: unknown) => this.log?.debug({ err: e }, 'evaluation thread did not terminate cleanly'));
    if (!this.closed) this.pump();
  }

  /**
   * A fingerprint of the universe: symbols, lengths, first/last dates and
   * column sums, computed in chunks between event-loop turns (a full pass
   * over 2.3M bars would otherwise hold the main thread).
   */
  private async keyOf(series: readonly BarSeries[]): Promise<string> {
    const known = this.keys.get(series);
    if (known) return known;
    const h = createHash('sha1');
    for (let k = 0; k < series.length; k++) {
      const s = series[k]!;
      let sum = 0;
      for (let i = 0; i < s.close.length; i++) sum += s.open[i]! + s.high[i]! + s.low[i]! + s.close[i]! + s.volume[i]!;
      h.update(`${s.symbol}|${s.dates.length}|${s.dates[0] ?? ''}|${s.dates[s.dates.length - 1] ?? ''}|${sum}\n`);
      if ((k + 1) % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    const key = h.digest('hex');
    this.keys.set(series, key);
    return key;
  }
}

/**
 * Starts a thread on evaluation-thread: the compiled .js next to this file,
 * or, when running from TypeScript sources (tests, tsx), the .ts file loaded
 * through tsx's ESM hooks.
 */
function startThread(workerData: ThreadData): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const url = new URL('./evaluation-thread.ts', here).href;
    return new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url)}); })`, { eval: true, workerData });
  }
  return new Worker(new URL('./evaluation-thread.js', here), { workerData });
}

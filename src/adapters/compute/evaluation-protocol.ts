/**
 * Messages between the evaluation pool (main thread) and its worker threads.
 * Plain structured-clone data only.
 */
import type { BarSeries } from '../../engine/bars.js';
import type { HypothesisDefinition } from '../../engine/hypotheses/definition.js';
import type { EvaluationRun } from '../../engine/hypotheses/incubation-run.js';

/**
 * A universe packed for the trip to a thread: every OHLCV column in ONE
 * buffer (transferred, not copied) and each distinct dates array once.
 * Structured-cloning 900 series column by column held the main thread for
 * about 275 ms in one piece; packing copies in small chunks between event-loop
 * turns and the transfer itself is free.
 */
export interface PackedUniverse {
  symbols: string[];
  /** Index into `dateTables` of each series' dates. */
  tableOf: number[];
  dateTables: (readonly string[])[];
  /** open, high, low, close, volume of series 0, then of series 1, … */
  columns: Float64Array;
}

/** Series packed between two event-loop turns: about 15 ms of copying on this machine. */
const PACK_CHUNK = 48;

/**
 * Packs `series` (see {@link PackedUniverse}), yielding to the event loop
 * between chunks: copying 900 series is a few hundred milliseconds of
 * memcpy on a small VM, and it runs on the main thread, which must keep
 * answering approvals and /kill meanwhile.
 */
export async function packUniverse(series: readonly BarSeries[], yieldNow: () => Promise<void> = () => new Promise((r) => setImmediate(r))): Promise<PackedUniverse> {
  const tables = new Map<readonly string[], number>();
  const tableOf: number[] = [];
  let total = 0;
  for (const s of series) {
    let i = tables.get(s.dates);
    if (i === undefined) tables.set(s.dates, (i = tables.size));
    tableOf.push(i);
    total += 5 * s.dates.length;
  }
  const columns = new Float64Array(total);
  let at = 0;
  for (let k = 0; k < series.length; k++) {
    const s = series[k]!;
    for (const col of [s.open, s.high, s.low, s.close, s.volume]) {
      columns.set(col, at);
      at += col.length;
    }
    if ((k + 1) % PACK_CHUNK === 0) await yieldNow();
  }
  return { symbols: series.map((s) => s.symbol), tableOf, dateTables: [...tables.keys()], columns };
}

/** The series of a packed universe, as views into its one buffer (no copy). */
export function unpackUniverse(p: PackedUniverse): BarSeries[] {
  const out: BarSeries[] = [];
  let at = 0;
  for (let k = 0; k < p.symbols.length; k++) {
    const dates = p.dateTables[p.tableOf[k]!]!;
    const n = dates.length;
    const col = () => {
      const v = p.columns.subarray(at, at + n);
      at += n;
      return v;
    };
    out.push({ symbol: p.symbols[k]!, dates, open: col(), high: col(), low: col(), close: col(), volume: col() });
  }
  return out;
}

/** Main → thread: evaluate one definition. `universe` rides along only when the thread lacks `universeKey`. */
export interface RunMessage {
  type: 'run';
  taskId: number;
  universeKey: string;
  universe: PackedUniverse | null;
  definition: HypothesisDefinition;
  priorDailySharpes: readonly number[];
}

/** Thread → main. */
export type ThreadMessage =
  | { type: 'progress'; taskId: number; done: number; total: number }
  | { type: 'done'; taskId: number; run: EvaluationRun }
  /** `missingUniverse`: the thread had no series for the key (it was replaced): send them again. */
  | { type: 'error'; taskId: number; name: string; message: string; missingUniverse?: boolean };

/** What a thread is started with (its `workerData`). */
export interface ThreadData {
  /** The nice value the thread sets on itself before its first task (Linux: per thread). */
  niceness: number;
  /** Also ask Linux for SCHED_IDLE on the thread (see evaluation-thread.ts). */
  idleScheduling: boolean;
  /** Int32 [0] > 0 while the main thread holds the pool (ForegroundGate): wait between steps. */
  gate: SharedArrayBuffer;
}

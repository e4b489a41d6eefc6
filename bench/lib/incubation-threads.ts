/**
 * CPU time of this process' threads from /proc/self/task (Linux), so the incubation section can
 * show the evaluation pool's worker threads apart from the main event loop. Node names every
 * thread "node", so the pool's threads are told apart by when they appeared: a baseline is taken
 * before the first incubation job, and threads born after it are the ones the pool spawned (the
 * pool starts its threads lazily, on its first evaluation). Threads that exit (a cancelled or
 * failed evaluation retires its thread) keep the CPU last seen for them, sampled periodically.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second for /proc utime/stime (USER_HZ; 100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) of one thread of this process, or null when it is gone. */
function threadCpuSeconds(tid: string): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

function threadIds(): string[] {
  try {
    return readdirSync('/proc/self/task');
  } catch {
    return [];
  }
}

/** What a {@link ThreadCpuMeter} measured between start and stop. */
export interface ThreadCpuUse {
  /** CPU seconds of the threads born after the baseline (the evaluation pool's), one entry per thread. */
  newThreads: number[];
  /** CPU seconds of the main thread (the event loop: bot, workers' job handlers, emulator, driver). */
  mainThread: number;
  /** CPU seconds of the other threads that existed at the baseline (libuv pool, V8 GC/compiler helpers). */
  otherThreads: number;
  /** False when /proc/self/task is not readable (not Linux): every figure is 0 then. */
  available: boolean;
}

/**
 * Samples per-thread CPU of this process. `start()` takes the baseline; `stop()` returns the CPU
 * used since then, split into threads born after the baseline, the main thread and the rest.
 */
export class ThreadCpuMeter {
  private readonly base = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private available = false;

  /** Takes the baseline and samples every `everyMs` so threads that exit meanwhile are not lost. */
  start(everyMs = 250): void {
    const ids = threadIds();
    this.available = ids.length > 0;
    for (const tid of ids) {
      const s = threadCpuSeconds(tid);
      if (s !== null) this.base.set(tid, s);
    }
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const tid of threadIds()) {
      const s = threadCpuSeconds(tid);
      if (s !== null) this.last.set(tid, s);
    }
  }

  stop(): ThreadCpuUse {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    const main = String(process.pid);
    const out: ThreadCpuUse = { newThreads: [], mainThread: 0, otherThreads: 0, available: this.available };
    for (const [tid, s] of this.last) {
      const base = this.base.get(tid);
      if (base === undefined) out.newThreads.push(s);
      else if (tid === main) out.mainThread = s - base;
      else out.otherThreads += s - base;
    }
    return out;
  }
}

import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

/** "1.23 / 0.98 / 0.75" — the 1, 5 and 15 minute load averages. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

export function machineLine(): string {
  const c = cpus();
  return `node ${process.version} · ${c.length} CPU × ${c[0]?.model.trim() ?? 'unknown'} · ${(totalmem() / 2 ** 30).toFixed(1)} GiB · ${process.platform}`;
}

/** Busy and total jiffies of the whole machine (Linux /proc/stat), or null elsewhere. */
function systemJiffies(): { busy: number; total: number } | null {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const f = first.trim().split(/\s+/).slice(1).map(Number);
    const idle = (f[3] ?? 0) + (f[4] ?? 0); // idle + iowait
    const total = f.slice(0, 8).reduce((s, v) => s + v, 0); // user..steal
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export interface ResourceUse {
  wallMs: number;
  /** CPU time of this Node process (all roles, the emulator and the driver), ms. */
  processCpuMs: number;
  /** …of which in the kernel (socket I/O to Postgres, Redis, the emulator). */
  processSysMs: number;
  /** Voluntary context switches (the event loop went to sleep and was woken), and involuntary (preempted). */
  wakeups: number;
  preemptions: number;
  /** This process' CPU as a share of one core. */
  processCores: number;
  /** Whole-machine CPU busy share (all cores; includes Postgres, Redis and other people's work), or null. */
  machineBusy: number | null;
  /** Event-loop delay of this process, ms. */
  loopP50: number;
  loopP99: number;
  loopMax: number;
  load: string;
}

const RESOLUTION_MS = 20;

/** Measures CPU and event-loop delay between start and stop(). */
export function startResourceMeter(): { stop(): ResourceUse } {
  // Samples every RESOLUTION ms; node records the whole interval, so the delay is the excess over it.
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  const cpu0 = process.cpuUsage();
  const ru0 = process.resourceUsage();
  const sys0 = systemJiffies();
  const t0 = performance.now();
  return {
    stop() {
      h.disable();
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const ru = process.resourceUsage();
      const sys1 = systemJiffies();
      const processCpuMs = (cpu.user + cpu.system) / 1000;
      const machineBusy = sys0 && sys1 && sys1.total > sys0.total ? (sys1.busy - sys0.busy) / (sys1.total - sys0.total) : null;
      const ns = (v: number) => Math.max(0, v / 1e6 - RESOLUTION_MS);
      return {
        wallMs,
        processCpuMs,
        processSysMs: cpu.system / 1000,
        wakeups: ru.voluntaryContextSwitches - ru0.voluntaryContextSwitches,
        preemptions: ru.involuntaryContextSwitches - ru0.involuntaryContextSwitches,
        processCores: processCpuMs / wallMs,
        machineBusy,
        loopP50: ns(h.percentile(50)),
        loopP99: ns(h.percentile(99)),
        loopMax: ns(h.max),
        load: loadAverage(),
      };
    },
  };
}

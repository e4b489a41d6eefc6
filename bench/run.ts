/**
 * `npm run bench [-- <name>…] [--option=value…]` — runs benchmark sections and prints their
 * tables (figures with targets and ✓/✗; never pass/fail). Each section borrows a throwaway
 * database / Redis prefix and gives them back; the process exits 0 unless a section could not run.
 *
 * To add a section: write bench/<name>.ts exporting a Benchmark and list it in BENCHMARKS.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { alpacaBenchmark } from './alpaca.js';
import { approveBenchmark } from './approve.js';
import { backtestBenchmark } from './backtest.js';
import { commandRoundTrip } from './command-roundtrip.js';
import { hypothesesBenchmark } from './hypotheses.js';
import { incubationBenchmark } from './incubation.js';
import { indicatorsBenchmark } from './indicators.js';
import { journalBenchmark } from './journal.js';
import { marketsBenchmark } from './markets.js';
import { preflightBenchmark } from './preflight.js';
import { scanBenchmark } from './scan.js';
import { correlationBenchmark } from './correlation.js';
import { varBenchmark } from './var.js';
import { dataCheckBenchmark } from './data-check.js';
import { replayBenchmark } from './replay.js';
import { BenchResources } from './lib/resources.js';
import { loadAverage, machineLine } from './lib/system.js';
import { renderTable } from './lib/table.js';
import type { Benchmark, BenchOptions } from './lib/types.js';

/**
 * The registry, in run order. The pure-CPU sections (indicators, backtest) go first, while the
 * machine is quiet: right after a section that loaded Postgres and Redis (then dropped its database
 * and tens of thousands of keys), the memory-bound kernels measured 25–50 % slower in one full run.
 */
export const BENCHMARKS: readonly Benchmark[] = [indicatorsBenchmark, backtestBenchmark, hypothesesBenchmark, commandRoundTrip, scanBenchmark, approveBenchmark, incubationBenchmark, alpacaBenchmark, preflightBenchmark, journalBenchmark, correlationBenchmark, varBenchmark, dataCheckBenchmark, replayBenchmark, marketsBenchmark];

function options(values: Record<string, string | boolean | undefined>): BenchOptions {
  const raw = (name: string) => values[name];
  const get = (name: string) => {
    const v = raw(name);
    return typeof v === 'string' ? v : undefined;
  };
  return {
    get,
    number(name, fallback) {
      const v = get(name);
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${v}"`);
      return n;
    },
    list(name, fallback) {
      const v = get(name);
      if (v === undefined) return fallback;
      return v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => {
          const n = Number(s);
          if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} takes positive numbers separated by commas, got "${v}"`);
          return n;
        });
    },
    flag(name, fallback) {
      if (raw(`no-${name}`) === true) return false;
      const v = raw(name);
      if (v === undefined) return fallback;
      return v === true || v === 'true' || v === '1';
    },
    quick: raw('quick') === true,
  };
}

function gitDescribe(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return `${head}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown';
  }
}

function help(): string {
  const lines = ['Usage: npm run bench [-- <name>…] [--quick] [--option=value…]', '', 'Sections:'];
  for (const b of BENCHMARKS) {
    lines.push(`  ${b.name} — ${b.summary}`);
    for (const [opt, what] of Object.entries(b.options ?? {})) lines.push(`      ${opt.padEnd(26)} ${what}`);
  }
  lines.push('', 'Common: --quick (short runs: checks the harness, figures not meaningful), --list, --help');
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2), allowPositionals: true, strict: false });
  if (values.help || values.h || values.list) {
    console.log(help());
    return 0;
  }
  const unknown = positionals.filter((p) => !BENCHMARKS.some((b) => b.name === p));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark ${unknown.map((u) => `"${u}"`).join(', ')}. Known: ${BENCHMARKS.map((b) => b.name).join(', ')}.`);
    return 2;
  }
  const selected = positionals.length > 0 ? BENCHMARKS.filter((b) => positionals.includes(b.name)) : [...BENCHMARKS];
  const opts = options(values);

  console.log(`# Courtside benchmarks — ${new Date().toISOString()}`);
  console.log(`${machineLine()} · commit ${gitDescribe()}`);
  console.log(`load average (1/5/15 min) at start: ${loadAverage()}${opts.quick ? ' · --quick: short runs, figures are not meaningful' : ''}`);
  for (const note of await BenchResources.sweepLeftovers()) console.error(`(${note})`);

  let failed = 0;
  let current: BenchResources | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`\n${sig}: cleaning up…`);
    // Connections torn down mid-run may emit errors nobody listens to: they must not stop the cleanup.
    process.on('uncaughtException', (err) => console.error(`(during cleanup) ${err.message}`));
    void (current?.cleanup() ?? Promise.resolve([])).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  for (const bench of selected) {
    const resources = (current = new BenchResources());
    console.log(`\n## ${bench.name}\n\n${bench.summary}\n`);
    const t0 = Date.now();
    try {
      const out = await bench.run({ options: opts, resources, progress: (m) => console.error(`[${bench.name}] ${m}`) });
      for (const table of Array.isArray(out) ? out : [out]) console.log(`${renderTable(table)}\n`);
    } catch (err) {
      failed++;
      console.log(`**${bench.name} could not run:** ${err instanceof Error ? err.message : String(err)}\n`);
      if (err instanceof Error && err.stack) console.error(err.stack);
    } finally {
      const cleaned = await resources.cleanup();
      current = null;
      console.log(`_${bench.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s; load average at end ${loadAverage()}; removed ${cleaned.join(', ') || 'nothing'}._`);
    }
  }
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

/**
 * Prints every test file's duration, slowest first, at the end of a run
 * (before the default reporter's summary, which stays the last lines of
 * the output). The suite has to leave headroom for the next issues on a
 * 2-core machine; this is where to look for the file that eats it.
 *
 * A file's time = prepare + import (collect, incl. suite callbacks) + setup
 * files + its tests and hooks; "tests" is the last part alone.
 *
 * Set TEST_DURATIONS_TOP=N to print only the N slowest files.
 */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

interface Row {
  project: string;
  file: string;
  totalMs: number;
  testsMs: number;
  state: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(9);

export default class DurationsReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (testModules.length === 0) return;
    const rows: Row[] = testModules.map((m) => {
      const d = m.diagnostic();
      return {
        project: m.project.name || 'default',
        file: relative(process.cwd(), m.moduleId),
        totalMs: d.prepareDuration + d.collectDuration + d.setupDuration + d.duration,
        testsMs: d.duration,
        state: m.state(),
      };
    });
    rows.sort((a, b) => b.totalMs - a.totalMs);
    const top = Number(process.env.TEST_DURATIONS_TOP ?? 0);
    const shown = top > 0 ? rows.slice(0, top) : rows;
    const width = Math.max(...shown.map((r) => r.project.length));
    const byProject = new Map<string, number>();
    for (const r of rows) byProject.set(r.project, (byProject.get(r.project) ?? 0) + r.totalMs);
    const lines = [
      '',
      ` Per-file durations (${shown.length === rows.length ? 'all' : `top ${shown.length} of`} ${rows.length} files, slowest first; total = import + setup + tests):`,
      ...shown.map(
        (r) =>
          `  ${seconds(r.totalMs)}  tests ${seconds(r.testsMs)}  ${r.project.padEnd(width)}  ${r.file}${r.state === 'passed' ? '' : `  (${r.state})`}`,
      ),
      `  sum per project: ${[...byProject].map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)} s`).join(', ')}`,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

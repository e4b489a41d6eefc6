import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EvaluationPool } from '../../../../src/adapters/compute/evaluation-pool.js';
import { ForegroundGate } from '../../../../src/adapters/compute/foreground-gate.js';
import { buildDefinition, FAMILY_GRID_SPECS } from '../../../../src/engine/hypotheses/index.js';
import type { FamilyId } from '../../../../src/engine/patterns/index.js';
import { CancelledError } from '../../../../src/lib/errors.js';
import { evaluateDefinition } from '../../../../src/trading/hypotheses/evaluate-stored.js';
import { plantedUniverse } from '../../../helpers/planted-edge.js';

const series = plantedUniverse({ seed: 11, symbols: 6, bars: 600, planted: true });
const def = (family: FamilyId) => buildDefinition(family, 'US', FAMILY_GRID_SPECS[family].centres[0]!);
let pool: EvaluationPool | undefined;

/** The nice value of every thread of this process, by thread id (Linux /proc; field 19 of stat). */
function threadNiceness(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe('EvaluationPool (worker threads)', () => {
  it('gives exactly the in-process result, several evaluations at once on two threads, with progress up to the total', async () => {
    pool = new EvaluationPool({ size: 2 });
    const families: FamilyId[] = ['down_closes', 'rsi_oversold', 'momentum'];
    const progress: { done: number; total: number }[][] = families.map(() => []);
    const prior = [0.01, -0.02];
    const pooled = await Promise.all(families.map((f, i) => pool!.evaluate(def(f), series, prior, { onProgress: (p) => progress[i]!.push(p) })));
    for (const [i, f] of families.entries()) {
      expect(pooled[i]).toEqual(await evaluateDefinition(def(f), series, prior));
      const seen = progress[i]!;
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every((p, k) => k === 0 || p.done >= seen[k - 1]!.done)).toBe(true);
      expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);
    }
    expect(pool.load).toEqual({ queued: 0, running: 0 });
  });

  it('runs its threads at the lowest CPU priority (nice 19) and leaves the main thread at its own', async () => {
    const before = [...threadNiceness().values()].filter((n) => n === 19).length;
    pool = new EvaluationPool({ size: 2 });
    await Promise.all([pool.evaluate(def('down_closes'), series, []), pool.evaluate(def('momentum'), series, [])]);
    const niceness = threadNiceness();
    expect([...niceness.values()].filter((n) => n === 19).length - before).toBe(2);
    expect(niceness.get(process.pid)).toBe(0);
    await pool.close();
    pool = new EvaluationPool({ size: 1, niceness: 0 });
    await pool.evaluate(def('down_closes'), series, []);
    expect([...threadNiceness().values()].filter((n) => n === 19).length).toBe(before);
  });

  it('pauses its threads between engine steps while a hold is in place, resumes on release, and a forgotten hold lapses', async () => {
    const big = plantedUniverse({ seed: 3, symbols: 40, bars: 1200, planted: true });
    pool = new EvaluationPool({ size: 1, gate: new ForegroundGate(60_000) });
    const seen: number[] = [];
    let release: (() => void) | null = null;
    let heldAt = -1;
    let finished = false;
    const run = pool
      .evaluate(def('rsi_oversold'), big, [], {
        onProgress: (p) => {
          seen.push(p.done);
          // Hold as soon as the thread is seen working, mid-evaluation.
          if (release === null) {
            release = pool!.hold();
            heldAt = seen.length;
          }
        },
      })
      .finally(() => void (finished = true));
    while (release === null) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 500));
    // Held: at most the step that was running when the hold came, and not finished.
    expect(seen.length - heldAt).toBeLessThanOrEqual(1);
    expect(finished).toBe(false);
    const releaseNow: () => void = release;
    releaseNow();
    releaseNow(); // twice is harmless: one hold, one release
    const done = await run;
    expect(done).toEqual(await evaluateDefinition(def('rsi_oversold'), big, []));
    expect(seen.length).toBeGreaterThan(5);
    await pool.close();

    pool = new EvaluationPool({ size: 1, gate: new ForegroundGate(150) });
    pool.hold(); // never released: lapses after 150 ms, so incubation cannot stop for good
    const lapsed = await pool.evaluate(def('down_closes'), series, []);
    expect(lapsed).toEqual(await evaluateDefinition(def('down_closes'), series, []));
  });

  it('keeps working after the universe changes between evaluations', async () => {
    pool = new EvaluationPool({ size: 1 });
    const other = plantedUniverse({ seed: 5, symbols: 4, bars: 500, planted: false });
    const a = await pool.evaluate(def('down_closes'), series, []);
    const b = await pool.evaluate(def('down_closes'), other, []);
    expect(b).toEqual(await evaluateDefinition(def('down_closes'), other, []));
    expect(b.evaluation.symbols).toBe(4);
    expect(a.evaluation.symbols).toBe(6);
  });

  it('cancels a running evaluation (CancelledError), and the next one still runs', async () => {
    pool = new EvaluationPool({ size: 1, cancelPollMs: 5 });
    let cancel = false;
    const run = pool.evaluate(def('rsi_oversold'), series, [], { onProgress: () => void (cancel = true), shouldCancel: () => cancel });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const next = await pool.evaluate(def('down_closes'), series, []);
    expect(next).toEqual(await evaluateDefinition(def('down_closes'), series, []));
  });

  it('passes an invalid definition back as a RangeError that names the problem', async () => {
    pool = new EvaluationPool({ size: 1 });
    const bad = { ...def('momentum'), grid: { lookback: ['1', '2', '3', '4', '5'], minChangePct: ['1', '2', '3'] } };
    await expect(pool.evaluate(bad, series, [])).rejects.toThrow(RangeError);
    await expect(pool.evaluate(bad, series, [])).rejects.toThrow(/12/);
  });

  it('ends queued and running evaluations with CancelledError when closed', async () => {
    pool = new EvaluationPool({ size: 1 });
    const running = pool.evaluate(def('rsi_oversold'), series, []).catch((e: unknown) => e);
    const queued = pool.evaluate(def('down_closes'), series, []).catch((e: unknown) => e);
    await pool.close();
    expect(await running).toBeInstanceOf(CancelledError);
    expect(await queued).toBeInstanceOf(CancelledError);
    await expect(pool.evaluate(def('down_closes'), series, [])).rejects.toBeInstanceOf(CancelledError);
  });
});

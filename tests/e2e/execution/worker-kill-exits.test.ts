/**
 * The kill -9 matrix of worker-kill.test.ts, run against the exit side of the one order
 * lifecycle: a stop exit (`execution.exits`) and a flatten (`execution.flatten`). The
 * execution worker PROCESS is killed at each step of an exit order, a new worker process
 * takes the stalled job over, and there is still exactly one broker order per position and
 * the right (closed) positions on both sides.
 *
 * An exits or flatten job works position after position, so one job is stuck at one step at
 * a time: each step is its own round (one position per round). The steps, the rounds and their
 * checks: tests/e2e/support/exit-kill-matrix.ts.
 */
import { describe, expect, it } from 'vitest';
import { exitKillMatrixPerFile, FALLEN, QTY, USER } from '../support/exit-kill-matrix.js';

const matrix = exitKillMatrixPerFile();
const { stage } = matrix;

describe('kill -9 of the execution worker process during exit orders', () => {
  it('a stop exit killed before submit, after submit (answer lost) and while polling: one broker order per position, positions closed', async () => {
    const after = stage.h.emulator.lastSeq;
    const symbols = ['STA', 'STB', 'STC'];
    for (const s of symbols) await matrix.hold(s);
    const w = await matrix.killAtEachStep(symbols, {
      start: async (symbol) => {
        matrix.quote(symbol, FALLEN);
        const jobId = `e2e-exits-${symbol}`;
        await stage.h.running.app.jobs.add('execution.exits', { slotKey: jobId }, { jobId });
        return jobId;
      },
    });
    await matrix.settled(symbols, after, (s) => new RegExp(`Stop exit ${s} \\(donchian\\): sold ${QTY}/${QTY}`), w);
    expect(w.alive, w.output()).toBe(true);
    expect(await w.kill('SIGTERM'), w.output()).toEqual({ code: 0, signal: null });
  }, 330_000);

  it('a flatten killed before submit, after submit (answer lost) and while polling: one broker order per position, positions closed', async () => {
    const after = stage.h.emulator.lastSeq;
    const symbols = ['FLA', 'FLB', 'FLC'];
    const w = await matrix.killAtEachStep(symbols, {
      // One position per round: flatten sells every position it finds.
      before: async (symbol) => {
        await matrix.hold(symbol);
        matrix.quote(symbol, FALLEN);
      },
      start: async (symbol, i) => {
        const jobId = `e2e-flatten-${symbol}`;
        // A confirmed flatten carries the kill epoch it was confirmed for (here: the current one).
        const epoch = (await stage.h.running.app.killSwitch.state()).epoch ?? 0;
        await stage.h.running.app.jobs.add('execution.flatten', { updateId: 900 + i, chatId: USER, userId: USER, role: 'admin', epoch }, { jobId });
        return jobId;
      },
    });
    await matrix.settled(symbols, after, (s) => new RegExp(`Flatten ${s} \\(donchian\\): sold ${QTY}/${QTY}`), w);
    expect(w.alive, w.output()).toBe(true);
    expect(await w.kill('SIGTERM'), w.output()).toEqual({ code: 0, signal: null });
  }, 330_000);
});

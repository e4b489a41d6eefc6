/**
 * The kill -9 matrix of worker-kill-exits.test.ts, run against `/close` (issue 13, item 1): a
 * confirmed close job (`execution.close`) is stopped dead at each step of its sell order — the
 * execution worker PROCESS is killed — and a new worker process takes the stalled job over.
 * Afterwards there is exactly one broker order per close (one POST, never re-sent), booked once,
 * the position closed on both sides, and one confirmation in the chat.
 * The steps, the rounds and their checks: tests/e2e/support/exit-kill-matrix.ts.
 */
import { describe, expect, it } from 'vitest';
import { nyLocalParts } from '../../../src/engine/calendar/index.js';
import { exitKillMatrixPerFile, FALLEN, QTY, USER } from '../support/exit-kill-matrix.js';

const matrix = exitKillMatrixPerFile();
const { stage } = matrix;

describe('kill -9 of the execution worker process during a /close', () => {
  it('a close killed before submit, after submit (answer lost) and while polling: one broker order per close, positions closed', async () => {
    const after = stage.h.emulator.lastSeq;
    const symbols = ['CKA', 'CKB', 'CKC'];
    for (const s of symbols) await matrix.hold(s);
    const w = await matrix.killAtEachStep(symbols, {
      start: async (symbol, i) => {
        matrix.quote(symbol, FALLEN);
        // What the Confirm button enqueues: the spent token fixes the order's client id; the kill epoch it was confirmed at.
        const requestId = `e2e-token-${symbol}`;
        const jobId = `close-${requestId}`;
        const epoch = (await stage.h.running.app.killSwitch.state()).epoch ?? 0;
        await stage.h.running.app.jobs.add(
          'execution.close',
          { updateId: 950 + i, chatId: USER, userId: USER, role: 'trader', symbol, strategy: 'donchian', qty: QTY, requestId, day: nyLocalParts(Date.now()).date, epoch, underKill: false },
          { jobId },
        );
        return jobId;
      },
    });
    await matrix.settled(symbols, after, (s) => new RegExp(`Closed ${QTY} ${s}`), w);
    expect(w.alive, w.output()).toBe(true);
    expect(await w.kill('SIGTERM'), w.output()).toEqual({ code: 0, signal: null });
  }, 330_000);
});

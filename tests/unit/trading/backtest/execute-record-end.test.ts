/**
 * How a backtest ended is told to the caller even when Postgres cannot record
 * it on the run; the failed write is logged, never swallowed silently.
 */
import { describe, expect, it, vi } from 'vitest';
import { executeBacktest, type BacktestJob, type BacktestRuns, type ExecuteBacktestPorts } from '../../../../src/trading/backtest/execute.js';
import type { BacktestRequest } from '../../../../src/trading/backtest/request.js';

const job: BacktestJob = { request: {} as BacktestRequest, requestHash: 'a'.repeat(64), requestedBy: 'telegram:7', jobId: 'job-1', createdAt: new Date('2026-12-04T15:00:00Z') };

function setup(opts: { seeding: boolean; cancelledBy: string | null }) {
  const down = () => Promise.reject(new Error('postgres is down'));
  const runs = {
    failUnfinishedOfJob: async () => 0,
    create: async () => 'run-1',
    fail: vi.fn(down),
    cancel: vi.fn(down),
  } as unknown as BacktestRuns;
  const ports = { runs, data: {} as ExecuteBacktestPorts['data'], seeding: { isSeeding: async () => opts.seeding } };
  const warn = vi.fn<(obj: object, msg: string) => void>();
  const hooks = { cancelledBy: async () => opts.cancelledBy, onProgress: () => undefined, redact: (t: string) => t, log: { warn } };
  return { ports, hooks, warn };
}

describe('a backtest end that cannot be recorded', () => {
  it('is still told (seeding) and the failed write is logged', async () => {
    const { ports, hooks, warn } = setup({ seeding: true, cancelledBy: null });
    expect(await executeBacktest(job, ports, hooks)).toEqual({ status: 'failed', reason: 'seeding' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatchObject({ runId: 'run-1', err: expect.objectContaining({ message: 'postgres is down' }) });
  });

  it('is still told (cancelled) and the failed write is logged', async () => {
    const { ports, hooks, warn } = setup({ seeding: false, cancelledBy: 'telegram:9' });
    expect(await executeBacktest(job, ports, hooks)).toEqual({ status: 'cancelled', by: 'telegram:9' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatchObject({ runId: 'run-1' });
  });
});

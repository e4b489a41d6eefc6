import { describe, expect, it } from 'vitest';
import { closeWorker } from '../../../src/jobs/close-worker.js';

function recordingLog() {
  const warnings: { obj: Record<string, unknown>; msg: string }[] = [];
  return { warnings, log: { warn: (obj: Record<string, unknown>, msg: string) => void warnings.push({ obj, msg }) } as never };
}

describe('closeWorker', () => {
  it('waits for a worker that closes in time and says nothing', async () => {
    const { warnings, log } = recordingLog();
    let closed = false;
    const worker = { name: 'commands', close: () => new Promise<void>((r) => setTimeout(() => ((closed = true), r()), 20)) };
    await closeWorker(worker, log, 1_000);
    expect(closed).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('stops waiting after the grace when close() never settles (BullMQ parked in reconnecting) and names the queue', async () => {
    const { warnings, log } = recordingLog();
    const worker = { name: 'executions', close: () => new Promise<void>(() => undefined) };
    const started = Date.now();
    await closeWorker(worker, log, 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.obj).toMatchObject({ queue: 'executions', graceMs: 50 });
    expect(warnings[0]!.msg).toContain('BullMQ hands its unfinished jobs to the next worker');
  });

  it('a close() that fails is logged, not thrown, so the rest of the shutdown still runs', async () => {
    const { warnings, log } = recordingLog();
    await closeWorker({ name: 'notify', close: () => Promise.reject(new Error('Connection is closed.')) }, log, 1_000);
    expect(warnings[0]!.obj).toMatchObject({ queue: 'notify', err: 'Connection is closed.' });
  });
});

/** The background readiness prober behind /readyz (issue 12, item 8), on fake timers. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadinessSnapshot, type ReadinessReport } from '../../../src/app/http/readiness-snapshot.js';

const READY: ReadinessReport = { ready: true, checks: { postgres: { ok: true } } };

describe('ReadinessSnapshot', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('probes once per refresh period, never two at a time, and reads never probe', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    // Each probe takes 3 s, longer than the 2 s refresh period.
    const probe = async () => {
      runs++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((r) => setTimeout(r, 3_000));
      running--;
      return READY;
    };
    const s = new ReadinessSnapshot(probe, { refreshMs: 2_000, staleAfterMs: 60_000 });
    s.start();
    for (let i = 0; i < 100; i++) s.view();
    await vi.advanceTimersByTimeAsync(20_000);
    for (let i = 0; i < 100; i++) await s.read();
    s.stop();
    expect(maxRunning).toBe(1);
    // Start at 0, then one every 3 s + 2 s: runs starting at 0, 5, 10, 15, 20 s.
    expect(runs).toBe(5);
  });

  it('reads as not ready once the last result is older than 3 refresh periods', async () => {
    let wedged = false;
    const probe = () => (wedged ? new Promise<ReadinessReport>(() => undefined) : Promise.resolve(READY));
    const s = new ReadinessSnapshot(probe, { refreshMs: 2_000 });
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.view()).toMatchObject({ ready: true, stale: false });
    // The next probe (at 2 s) never answers; the last result is from 0 s.
    wedged = true;
    await vi.advanceTimersByTimeAsync(6_000);
    expect(s.view()).toMatchObject({ ready: true, stale: false });
    await vi.advanceTimersByTimeAsync(1);
    expect(s.view()).toMatchObject({ ready: false, stale: true, checks: READY.checks });
    s.stop();
  });

  it('a probe that throws reads as not ready with the error, and the next one recovers', async () => {
    let fail = true;
    const s = new ReadinessSnapshot(async () => {
      if (fail) throw new Error('postgres ping timed out');
      return READY;
    }, { refreshMs: 2_000 });
    s.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(s.view()).toMatchObject({ ready: false, checks: { error: 'postgres ping timed out' } });
    fail = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(s.view()).toMatchObject({ ready: true });
    s.stop();
  });

  it('a read before the first result waits for the running first probe instead of starting one', async () => {
    let runs = 0;
    const s = new ReadinessSnapshot(async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 500));
      return READY;
    }, { refreshMs: 2_000 });
    expect(s.view()).toMatchObject({ ready: false, checkedAt: null });
    s.start();
    const reads = Promise.all(Array.from({ length: 50 }, () => s.read()));
    await vi.advanceTimersByTimeAsync(500);
    const views = await reads;
    expect(views.every((v) => v.ready)).toBe(true);
    expect(runs).toBe(1);
    s.stop();
  });

  it('stops scheduling after stop()', async () => {
    let runs = 0;
    const s = new ReadinessSnapshot(async () => {
      runs++;
      return READY;
    }, { refreshMs: 2_000 });
    s.start();
    await vi.advanceTimersByTimeAsync(4_100);
    expect(runs).toBe(3);
    s.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(3);
  });
});

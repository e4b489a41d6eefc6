import { afterEach, describe, expect, it, vi } from 'vitest';
import { nodeScheduleTicks } from '../../../../src/jobs/scheduler/runner.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('node-schedule wall-clock ticks', () => {
  it('fires at second 0 of every New York minute, and not after stop', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-10T13:34:30.000Z') });
    const at: string[] = [];
    const stop = nodeScheduleTicks().start(() => at.push(new Date().toISOString()));
    await vi.advanceTimersByTimeAsync(29_000);
    expect(at).toEqual([]);
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(at).toEqual(['2026-03-10T13:35:00.000Z', '2026-03-10T13:36:00.000Z']);
    stop();
    await vi.advanceTimersByTimeAsync(180_000);
    expect(at).toHaveLength(2);
  });
});

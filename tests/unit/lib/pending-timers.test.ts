import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PendingTimers } from '../../../src/lib/pending-timers.js';

describe('PendingTimers', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a callback after its delay and forgets the timer once fired', () => {
    const timers = new PendingTimers();
    const fired: string[] = [];
    timers.later(100, () => fired.push('a'));
    timers.later(50, () => fired.push('b'));
    expect(timers.size).toBe(2);
    vi.advanceTimersByTime(60);
    expect(fired).toEqual(['b']);
    expect(timers.size).toBe(1);
    vi.advanceTimersByTime(40);
    expect(fired).toEqual(['b', 'a']);
    expect(timers.size).toBe(0);
  });

  it('clear cancels every timer not yet fired', () => {
    const timers = new PendingTimers();
    const fired: string[] = [];
    timers.later(10, () => fired.push('early'));
    timers.later(1_000, () => fired.push('late'));
    vi.advanceTimersByTime(10);
    timers.clear();
    expect(timers.size).toBe(0);
    vi.advanceTimersByTime(5_000);
    expect(fired).toEqual(['early']);
  });
});

import { describe, expect, it } from 'vitest';
import { wallTime } from '../../../src/lib/durations.js';

describe('wallTime', () => {
  it('says milliseconds under a second and seconds with one decimal from a second on', () => {
    expect(wallTime(0)).toBe('0 ms');
    expect(wallTime(42.6)).toBe('43 ms');
    expect(wallTime(999.4)).toBe('999 ms');
    expect(wallTime(999.6)).toBe('1.0 s');
    expect(wallTime(3_210)).toBe('3.2 s');
    expect(wallTime(-5)).toBe('0 ms');
  });
});

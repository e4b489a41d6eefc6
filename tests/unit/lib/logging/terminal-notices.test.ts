import { describe, expect, it } from 'vitest';
import { TerminalNotices } from '../../../../src/lib/logging/terminal-notices.js';

describe('TerminalNotices de-duplication', () => {
  it('shows a line once a minute and remembers only the last minute of lines', () => {
    let now = 0;
    const printed: string[] = [];
    const notices = new TerminalNotices((l) => void printed.push(l), () => now);
    notices.show('Redis is not reachable');
    notices.show('Redis is not reachable');
    expect(printed).toEqual(['Redis is not reachable']);
    // A long session: a different line every 10 s for a day.
    for (let i = 0; i < 8_640; i++) {
      now += 10_000;
      notices.show(`line ${i}`);
    }
    expect(printed).toHaveLength(8_641);
    expect(notices.remembered).toBeLessThanOrEqual(6);
    notices.show('Redis is not reachable');
    expect(printed.at(-1)).toBe('Redis is not reachable');
  });
});

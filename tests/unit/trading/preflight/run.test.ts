import { describe, expect, it } from 'vitest';
import { runPreflight, worst } from '../../../../src/trading/preflight/run.js';

describe('runPreflight', () => {
  it('keeps order, times each check out on its own, turns a throw into a ✗, and scrubs', async () => {
    const report = await runPreflight(
      [
        { id: 'a', title: 'A', run: async () => ({ level: 'pass', saw: 'fine' }) },
        { id: 'hang', title: 'Hang', timeoutMs: 50, fixOnError: 'start it', run: () => new Promise(() => undefined) },
        { id: 'boom', title: 'Boom', run: async () => Promise.reject(new Error('key SECRET123 refused')) },
        { id: 'w', title: 'W', run: async () => ({ level: 'warn', saw: 'no persistence', fix: 'turn on AOF' }) },
      ],
      { scrub: (t) => t.replaceAll('SECRET123', '***') },
    );
    expect(report.results.map((r) => [r.id, r.level])).toEqual([
      ['a', 'pass'],
      ['hang', 'fail'],
      ['boom', 'fail'],
      ['w', 'warn'],
    ]);
    expect(report.results[0]!.fix).toBeNull();
    expect(report.results[1]).toMatchObject({ saw: 'no answer within 50 ms', fix: 'start it' });
    expect(report.results[2]!.saw).toBe('error: key *** refused');
    expect(report.level).toBe('fail');
    expect(report.ms).toBeLessThan(2_000);
  });

  it('worst: fail over warn over pass; nothing passes', () => {
    expect(worst([])).toBe('pass');
    expect(worst(['pass', 'warn'])).toBe('warn');
    expect(worst(['warn', 'fail', 'pass'])).toBe('fail');
  });
});

/**
 * The scheduler role runs the KR table from SCHEDULE_*_KR next to the US one (issue 15, H9b): its
 * start-up line lists the KR slots, and the KR digests it cannot run yet are said once, not dropped silently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('scheduler role with a KR table', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ roles: ['scheduler'], env: { SCHEDULE_ENABLED: 'true' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('"scheduler started" lists the KR slots; the KR digests are reported as not scheduled', () => {
    const lines = h.logs.flatMap((chunk) => chunk.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as { msg: string; markets?: Record<string, string[]>; unbound?: string[] });
    const started = lines.filter((l) => /scheduler started/.test(l.msg));
    expect(started).toHaveLength(1);
    expect(started[0]!.markets).toEqual({ KR: ['scan-0810', 'reconcile-0820', 'exits-1510', 'mark-1540', 'reconcile-1605'] });
    const digests = lines.filter((l) => /KR digests/.test(l.msg));
    expect(digests.map((l) => l.unbound)).toEqual([['digest-morning-0800', 'digest-close-1545']]);
  });
});

/**
 * The scheduler role runs the KR table from SCHEDULE_*_KR next to the US one (issue 15, H9b): its
 * start-up line lists the KR slots, the KR digests and the KR hypotheses' session included, and
 * no KR slot is left without a job (none is reported as not scheduled).
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

  it('"scheduler started" lists every KR slot; none is reported as without a job', () => {
    const lines = h.logs.flatMap((chunk) => chunk.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as { msg: string; markets?: Record<string, string[]>; unbound?: string[] });
    const started = lines.filter((l) => /scheduler started/.test(l.msg));
    expect(started).toHaveLength(1);
    expect(started[0]!.markets).toEqual({ KR: ['digest-morning-0800', 'scan-0810', 'reconcile-0820', 'exits-1510', 'mark-1540', 'digest-close-1545', 'reconcile-1605', 'hypotheses-1615'] });
    expect(lines.filter((l) => /KR slots without a job|KR digests/.test(l.msg))).toEqual([]);
  });
});

/** The scheduler role announces itself once ("scheduler started" was logged twice: by the role and by the runner). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

describe('scheduler start-up log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ roles: ['scheduler'], env: { SCHEDULE_ENABLED: 'true' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('"scheduler started" appears exactly once, with the slots', () => {
    const lines = h.logs.flatMap((chunk) => chunk.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as { msg: string; slots?: string[] });
    const started = lines.filter((l) => /scheduler started/.test(l.msg));
    expect(started).toHaveLength(1);
    expect(started[0]!.slots?.length).toBeGreaterThan(0);
  });
});

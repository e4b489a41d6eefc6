import { describe, expect, it } from 'vitest';
import { configuredSlots, watchedSlots } from '../../../src/app/roles/scheduler-role.js';
import { testConfig } from '../../helpers/env.js';

describe('the slots the dead-man watches', () => {
  it('are the scheduler slots plus the open-queue slots the worker runs (open+1 sends, open+30 expires)', () => {
    const config = testConfig('postgres://postgres@127.0.0.1:5432/unused', { SCHEDULE_ENABLED: 'true' });
    const names = watchedSlots(config).map((s) => s.slot);
    for (const s of configuredSlots(config)) expect(names).toContain(s.slot);
    expect(names).toContain('open-queue-0931');
    expect(names).toContain('open-queue-1000');
    expect(names).toHaveLength(configuredSlots(config).length + 2);
  });

  it('none when scheduling is off', () => {
    expect(watchedSlots(testConfig('postgres://postgres@127.0.0.1:5432/unused', { SCHEDULE_ENABLED: 'false' }))).toEqual([]);
  });
});

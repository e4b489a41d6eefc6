/**
 * Orders queued for the open are a trader's decision, not part of the schedule: with
 * SCHEDULE_ENABLED=false (no scans, digests or exits) the worker still runs the open queue's two
 * slots, or a queued order would never be sent nor expire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { jobResult, realTime, setMarketTime } from '../../helpers/market-time.js';

const MONDAY_0940 = '2026-12-14T14:40:00Z'; // Mon 09:40 ET: open + 1 min has passed, open + 30 min not yet

let h: Harness;

beforeAll(async () => {
  setMarketTime(MONDAY_0940);
  h = await startHarness({ mode: 'local', env: { MARKET_HOURS: 'exchange', SCHEDULE_ENABLED: 'false' } });
}, 60_000);

afterAll(async () => {
  await h?.stop();
  realTime();
});

describe('the open queue with SCHEDULE_ENABLED=false', () => {
  it('the worker catches up the open + 1 min slot at start and records it once', async () => {
    expect(h.running.config.schedule.enabled).toBe(false);
    await jobResult(h.running.app, 'executions', 'sched-us-open-queue-0931-2026-12-14');
    const rows = (await h.running.app.ds.query(`SELECT slot FROM scheduled_runs ORDER BY slot`)) as { slot: string }[];
    expect(rows.map((r) => r.slot)).toEqual(['open-queue-0931']);
  });
});

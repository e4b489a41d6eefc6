import { describe, expect, it } from 'vitest';
import { collectHypothesesStatus, waitingReason, type HypothesesStatusSources } from '../../../../src/trading/status/hypotheses.js';
import { makeSlot } from '../../../../src/engine/schedule/slots.js';
import { sessionInfo } from '../../../../src/engine/calendar/index.js';

const src = (over: Partial<HypothesesStatusSources> = {}): HypothesesStatusSources => ({
  store: {
    counts: async () => ({ INCUBATING: 4, PAPER: 1, LIVE: 0, RETIRED: 2 }),
    lastGeneratorRun: async () => ({ session: '2026-03-09', proposed: 0, waiting: { reason: 'no_new_candidates' }, at: new Date('2026-03-09T20:45:00Z') }),
  },
  queue: { counts: async () => ({ waiting: 3, active: 1, delayed: 0, failed: 0 }), running: async () => [] },
  markets: ['US'],
  slots: [],
  ...over,
});

describe('collectHypothesesStatus', () => {
  it('finds the next hypotheses slot after now (close+45 on the next session when today’s has passed)', async () => {
    // Tue 2026-03-10 18:00 ET: today's close+45 (16:45) has passed → Wed 2026-03-11 16:45 ET.
    const now = Date.parse('2026-03-10T22:00:00Z');
    const slots = [makeSlot('hypotheses', 'close+45'), makeSlot('scan', 'close-5')];
    const s = await collectHypothesesStatus(src({ slots, now: () => now }));
    expect(s.nextRun).toEqual({ at: new Date(sessionInfo('2026-03-11')!.close + 45 * 60_000), sessionDate: '2026-03-11', slot: 'hypotheses-1645' });
    const earlier = await collectHypothesesStatus(src({ slots, now: () => Date.parse('2026-03-10T19:00:00Z') }));
    expect(earlier.nextRun?.sessionDate).toBe('2026-03-10');
  });

  it('reports a queue that cannot be read as null and keeps the rest', async () => {
    const s = await collectHypothesesStatus(src({ queue: { counts: async () => Promise.reject(new Error('redis down')), running: async () => [] } }));
    expect(s.queue).toBeNull();
    expect(s.markets[0]!.counts.INCUBATING).toBe(4);
    expect(s.markets[0]!.generator?.waiting).toEqual({ reason: 'no_new_candidates' });
  });

  it('reads stored waiting reasons and refuses unknown shapes', () => {
    expect(waitingReason({ reason: 'incubating_cap_full', cap: 50, count: 50 })).toEqual({ reason: 'incubating_cap_full', cap: 50, count: 50 });
    expect(waitingReason({ reason: 'incubating_cap_full' })).toBeNull();
    expect(waitingReason(null)).toBeNull();
  });
});

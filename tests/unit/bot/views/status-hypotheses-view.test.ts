import { describe, expect, it } from 'vitest';
import { hypothesesStatusLines } from '../../../../src/bot/views/status-hypotheses-view.js';
import { statusView } from '../../../../src/bot/views/status-view.js';
import type { HypothesesStatus, MarketHypothesesStatus } from '../../../../src/trading/status/hypotheses.js';
import type { SystemStatus } from '../../../../src/trading/status/status.js';

const market = (over: Partial<MarketHypothesesStatus> = {}): MarketHypothesesStatus => ({
  market: 'US',
  generator: { session: '2026-03-09', proposed: 0, waiting: { reason: 'incubating_cap_full', cap: 50, count: 50 }, at: new Date('2026-03-09T20:45:00Z') },
  counts: { INCUBATING: 50, PAPER: 3, LIVE: 1, RETIRED: 7 },
  caps: { INCUBATING: 50, PAPER: 10, LIVE: 3 },
  ...over,
});
const hyp = (over: Partial<HypothesesStatus> = {}): HypothesesStatus => ({
  markets: [market()],
  queue: { waiting: 11, active: 1, delayed: 0, failed: 0, running: [{ jobId: 'incubate-h1-v1', name: 'hypothesis.incubate', hypothesisId: 'h1', market: null, progress: { done: 14, total: 36 } }] },
  nextRun: { at: new Date('2026-03-10T20:45:00Z'), sessionDate: '2026-03-10', slot: 'hypotheses-1645' },
  ...over,
});

describe('/status: the generator and the incubation queue', () => {
  it('shows the last run (waiting at a full cap), counts against caps, the queue with progress, the next run', () => {
    expect(hypothesesStatusLines(hyp())).toEqual([
      '🧪 Hypotheses US: generator Mon Mar 9: waiting — INCUBATING cap full 50/50',
      '   INCUBATING 50/50 · PAPER 3/10 · LIVE 1/3 · RETIRED 7',
      'Incubation queue: 11 waiting · 1 running: incubating h1 (step 14/36)',
      'Next generator run: 2026-03-10 16:45 ET (session Tue Mar 10)',
    ]);
  });

  it('says how many were proposed, no new candidates, never ran; an unreadable queue; no schedule', () => {
    const lines = hypothesesStatusLines(
      hyp({
        markets: [
          market({ generator: { session: '2026-03-09', proposed: 10, waiting: null, at: new Date() } }),
          market({ market: 'KR', generator: { session: '2026-03-09', proposed: 0, waiting: { reason: 'no_new_candidates' }, at: new Date() } }),
          market({ market: 'US', generator: null }),
        ],
        queue: null,
        nextRun: null,
      }),
    );
    expect(lines).toContain('🧪 Hypotheses US: generator Mon Mar 9: proposed 10');
    expect(lines).toContain('🧪 Hypotheses KR: generator Mon Mar 9: waiting — no new candidates');
    expect(lines).toContain('🧪 Hypotheses US: generator has not run yet');
    expect(lines).toContain('Incubation queue: unavailable (Redis)');
    expect(lines.at(-1)).toMatch(/^Next generator run: not scheduled/);
  });

  it('is part of /status when present, absent when not wired, and says so when unreadable', () => {
    const base: SystemStatus = {
      mode: 'local · paper',
      uptimeMs: 1_000,
      killSwitch: { engaged: false, epoch: null, reason: null, changedBy: null, changedAt: null, postgres: false, redis: false },
      cancelOwed: [],
      db: { ok: true, ms: 1 },
      redis: { ok: true, ms: 1 },
      queues: null,
      heartbeats: [],
      alerts: [],
    };
    expect(statusView(base).text).not.toContain('Hypotheses');
    expect(statusView({ ...base, hypotheses: hyp() }).text).toContain('Incubation queue: 11 waiting · 1 running: incubating h1 (step 14/36)');
    expect(statusView({ ...base, hypotheses: null }).text).toContain('🧪 Hypotheses: unavailable (Postgres did not answer)');
  });
});

/**
 * JOURNAL_ENABLED (config.scan.journal): on, a scan's finish records its decisions once; off (only to
 * measure the journal's cost), it records none and the scan is otherwise the same.
 */
import { describe, expect, it } from 'vitest';
import { finishScanRun, type FinishScanPorts } from '../../../../src/trading/scan/scan-run.js';

function ports(calls: unknown[]): FinishScanPorts {
  return {
    data: { members: async () => [], load: async () => new Map() } as never,
    runs: {
      upsertPicks: async () => [],
      claimCards: async () => new Set<string>(),
      finishRun: async () => undefined,
      recordDecisions: async (run, rows) => void calls.push({ run, rows }),
    },
  };
}

const SETTINGS = { topN: 5, pickTtlMs: 30 * 60_000, sizing: { equity: 100_000, riskFraction: 0.005, maxPositionFraction: 0.1 }, kobeSizing: 'fixed' as const };
const RUN = { id: 'run-j', strategies: ['donchian' as const], chunks: [{ evaluated: 3, skipped: 0, signals: [] }] };
const NOW = Date.parse('2026-12-14T16:00:00Z');

describe('the decision journal switch', () => {
  it('records the scan decisions once when on (the default), none when off', async () => {
    const on: unknown[] = [];
    const a = await finishScanRun(ports(on), SETTINGS, RUN, NOW);
    expect(on).toHaveLength(1);
    const explicitlyOn: unknown[] = [];
    await finishScanRun(ports(explicitlyOn), { ...SETTINGS, journal: true }, RUN, NOW);
    expect(explicitlyOn).toHaveLength(1);
    const off: unknown[] = [];
    const b = await finishScanRun(ports(off), { ...SETTINGS, journal: false }, RUN, NOW);
    expect(off).toHaveLength(0);
    expect(b).toEqual(a);
  });

  it('deferred (the scan job posts the cards first), it writes only when the caller runs it; off, there is nothing to run', async () => {
    const calls: unknown[] = [];
    const s = await finishScanRun(ports(calls), SETTINGS, RUN, NOW, { deferJournal: true });
    expect(calls).toHaveLength(0);
    await s.journal!();
    expect(calls).toHaveLength(1);
    const off = await finishScanRun(ports(calls), { ...SETTINGS, journal: false }, RUN, NOW, { deferJournal: true });
    expect(off.journal).toBeNull();
  });
});

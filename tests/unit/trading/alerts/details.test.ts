import { describe, expect, it } from 'vitest';
import { parseAlertDetail, parseResolveDetail, reconcileMismatchDetail, RECONCILE_ITEMS_KEPT, type AlertDetail, type ResolveDetail } from '../../../../src/trading/alerts/details.js';
import type { ReconcileReport } from '../../../../src/trading/execution/reconcile.js';

/** What jsonb hands back: the value after a JSON round trip. */
const stored = <T>(v: T): unknown => JSON.parse(JSON.stringify(v));

describe('parseAlertDetail', () => {
  const known: AlertDetail[] = [
    { code: 'heartbeat.absent', role: 'worker' },
    { code: 'heartbeat.missed', role: 'worker', ageMs: 360_000, lastBeatAt: '2026-03-10T14:00:00.000Z', host: 'h' },
    { code: 'slot.missed', slot: 'scan-0935', sessionDate: '2026-03-10', dueAt: '2026-03-10T13:35:00.000Z', lateMs: 660_000 },
    { code: 'job.failed', job: 'scan.start', jobId: null, queue: 'scans', attempts: 3, error: 'e' },
    { code: 'broker.rejected', broker: 'paper', symbol: 'AAPL', reason: { code: 'gate', gate: 'policy', limit: 'daily budget', numbers: { spent: 900 } } },
    { code: 'data.stale', source: 'csv', last: '2026-11-19', sessionDate: '2026-11-20' },
    {
      code: 'reconcile.mismatch',
      broker: 'paper',
      checkedAt: '2026-03-10T13:20:00.000Z',
      fixedCount: 1,
      mismatchCount: 1,
      fixed: [{ kind: 'booked_entry', clientOrderId: 'c', symbol: 'A', strategy: 's', status: 'filled', filledQty: 1, qty: 1, avgFillPrice: null }],
      mismatches: [{ kind: 'fix_failed', symbol: 'A', clientOrderId: 'c', orderKind: 'exit', status: 'filled', error: 'lock' }],
    },
    { code: 'recorded', recorded: 'old words' },
  ];

  it('reads back every code it writes, unchanged', () => {
    for (const d of known) expect(parseAlertDetail(stored(d))).toEqual(d);
  });

  it('a code from a newer release, or figures that do not fit their code, become `unknown` with the stored value kept', () => {
    const newer = { code: 'heartbeat.exploded', role: 'worker' };
    expect(parseAlertDetail(newer)).toEqual({ code: 'unknown', raw: newer });
    expect(parseAlertDetail({ code: 'data.stale', source: 5 })).toEqual({ code: 'unknown', raw: { code: 'data.stale', source: 5 } });
    expect(parseAlertDetail({ code: 'toString' })).toEqual({ code: 'unknown', raw: { code: 'toString' } });
    for (const raw of [null, undefined, 'text', 42, [], {}]) expect(parseAlertDetail(raw)).toEqual({ code: 'unknown', raw });
  });

  it('a broker reason this release does not know is kept as its JSON under `recorded`', () => {
    const d = parseAlertDetail({ code: 'broker.rejected', broker: 'paper', symbol: 'AAPL', reason: { code: 'margin_call', pct: 30 } });
    expect(d).toEqual({ code: 'broker.rejected', broker: 'paper', symbol: 'AAPL', reason: { code: 'recorded', recorded: '{"code":"margin_call","pct":30}' } });
  });
});

describe('parseResolveDetail', () => {
  it('null stays null; known codes read back; others become `unknown`', () => {
    expect(parseResolveDetail(null)).toBeNull();
    const known: ResolveDetail[] = [
      { code: 'job.completing', job: 'j', jobId: '1' },
      { code: 'heartbeat.beating', role: 'worker', lastBeatAt: '2026-03-10T14:00:00.000Z', host: 'h' },
      { code: 'slot.enqueued', slot: 's', sessionDate: '2026-03-10' },
      { code: 'broker.accepting', broker: 'paper' },
      { code: 'data.current', source: 'csv', last: '2026-11-20' },
      { code: 'reconcile.matching', broker: 'paper' },
      { code: 'recorded', recorded: 'fine again' },
    ];
    for (const d of known) expect(parseResolveDetail(stored(d))).toEqual(d);
    expect(parseResolveDetail({ code: 'broker.forgiven' })).toEqual({ code: 'unknown', raw: { code: 'broker.forgiven' } });
  });
});

describe('reconcileMismatchDetail', () => {
  it('keeps the counts, the first few fixes and mismatches, and cuts long errors', () => {
    const r: ReconcileReport = {
      checkedAt: '2026-03-10T13:20:00.000Z',
      broker: 'paper',
      ok: false,
      fixed: [],
      mismatches: Array.from({ length: RECONCILE_ITEMS_KEPT + 4 }, (_, i) => ({ kind: 'lookup_failed' as const, symbol: `S${i}`, clientOrderId: `c${i}`, error: 'e'.repeat(1_000) })),
    };
    const d = reconcileMismatchDetail(r);
    expect(d).toMatchObject({ code: 'reconcile.mismatch', broker: 'paper', checkedAt: r.checkedAt, fixedCount: 0, mismatchCount: RECONCILE_ITEMS_KEPT + 4, fixed: [] });
    expect(d.mismatches.map((m) => m.symbol)).toEqual(r.mismatches.slice(0, RECONCILE_ITEMS_KEPT).map((m) => m.symbol));
    expect(d.mismatches.every((m) => m.error!.length === 300)).toBe(true);
    // The report itself is untouched.
    expect(r.mismatches[0]!.error).toHaveLength(1_000);
    expect(JSON.stringify(d).length).toBeLessThan(4_000);
  });
});

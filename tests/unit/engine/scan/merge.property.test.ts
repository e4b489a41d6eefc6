/**
 * Properties of merging sized sources into picks (issue 14, items 6 and 7), over random sources,
 * shadow books and account states: a pick never trades more than any of its sources proposed,
 * never breaks a cap of the source it trades, and a group with no proposing source is no pick.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergePickSources, proposesPick, sizeFixedSource, sizeKellySource, type SizedSignal } from '../../../../src/engine/scan/index.js';
import type { Signal, SignalSourceId } from '../../../../src/engine/signal.js';

const EQUITY = 100_000;

const sourceArb = fc.record({
  source: fc.constantFrom<SignalSourceId>('donchian', 'turtle_soup', 'hyp:h1', 'hyp:h2', 'hyp:h3'),
  symbol: fc.constantFrom('AAA', 'BBB'),
  entryCents: fc.integer({ min: 100, max: 50_000 }),
  stopFrac: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
  closedR: fc.array(fc.double({ min: -3, max: 5, noNaN: true }), { maxLength: 60 }),
  openNotional: fc.integer({ min: 0, max: 50_000 }),
});

const accountArb = fc.record({
  cashAvailable: fc.integer({ min: 0, max: 120_000 }),
  sessionRiskUsed: fc.integer({ min: 0, max: 3_000 }),
  maxPositionPct: fc.integer({ min: 1, max: 100 }),
});

type RawSource = typeof sourceArb extends fc.Arbitrary<infer T> ? T : never;

function build(raw: RawSource, account: { cashAvailable: number; sessionRiskUsed: number; maxPositionPct: number }): SizedSignal {
  const close = raw.entryCents / 100;
  const stop = Math.round(close * (1 - raw.stopFrac) * 100) / 100;
  const signal: Signal = { symbol: raw.symbol, strategy: raw.source, index: 1, date: '2026-12-03', close, stop, target: null, atr: 1, timeStopBars: 5, score: 0, reasons: [] };
  const source = raw.source.startsWith('hyp:')
    ? sizeKellySource(signal, { equity: EQUITY, ...account, closedR: raw.closedR, openNotional: raw.openNotional })
    : sizeFixedSource(signal, { equity: EQUITY, riskFraction: 0.005, maxPositionFraction: account.maxPositionPct / 100 });
  return { signal, source };
}

describe('merged picks (property)', () => {
  it('trade the smallest size of their sources, never break the traded source\'s caps, and need a proposing source', () => {
    fc.assert(
      fc.property(fc.array(sourceArb, { minLength: 1, maxLength: 8 }), accountArb, (raws, account) => {
        const sized = raws.map((r) => build(r, account));
        const merged = mergePickSources(sized);
        // At most one pick per symbol (one session here).
        expect(new Set(merged.map((m) => m.signal.symbol)).size).toBe(merged.length);
        for (const symbol of ['AAA', 'BBB']) {
          // The first signal of each source per symbol is the one merged.
          const group = sized.filter((s, i) => s.signal.symbol === symbol && sized.findIndex((x) => x.signal.symbol === symbol && x.signal.strategy === s.signal.strategy) === i);
          const pick = merged.find((m) => m.signal.symbol === symbol);
          if (!group.some((s) => proposesPick(s.source))) {
            expect(pick).toBeUndefined();
            continue;
          }
          expect(pick).toBeDefined();
          expect(pick!.sources.map((s) => s.source).sort()).toEqual(group.map((s) => s.signal.strategy).sort());
          expect(pick!.qty).toBe(Math.min(...group.map((s) => s.source.qty)));
          const traded = pick!.sources.find((s) => s.source === pick!.boundBy)!;
          expect(pick!.signal.stop).toBe(traded.stop);
          const perShare = pick!.signal.close - pick!.signal.stop;
          const z = traded.sizing;
          if (z.method === 'kelly') {
            const notional = pick!.qty * pick!.signal.close;
            const risk = pick!.qty * perShare;
            // The 1 % risk cap, the position cap, the 40 % cap, the 10 % cash reserve, the 2 % session cap.
            expect(risk).toBeLessThanOrEqual(0.01 * EQUITY + 1e-9);
            if (pick!.qty > 0) {
              expect(notional).toBeLessThanOrEqual((account.maxPositionPct / 100) * EQUITY + 1e-9);
              expect(z.openNotional + notional).toBeLessThanOrEqual(0.4 * EQUITY + 1e-9);
              expect(account.cashAvailable - notional).toBeGreaterThanOrEqual(0.1 * EQUITY - 1e-9);
              expect(account.sessionRiskUsed + risk).toBeLessThanOrEqual(0.02 * EQUITY + 1e-9);
              // A non-positive edge never sizes up.
              expect(z.rule).not.toBe('no_edge');
            }
          }
        }
      }),
      { numRuns: 400, seed: 14 },
    );
  });
});

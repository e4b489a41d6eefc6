import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cmp, cmpPre, fmt } from '../../../../src/engine/strategies/format.js';

/** Prices of every magnitude the reasons meet, including below 1 (4 decimals) and non-finite. */
const valueArb = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.double({ min: -1, max: 1, noNaN: true }),
  fc.integer({ min: -100_000, max: 100_000 }).map((c) => c / 100),
  fc.constantFrom(0, -0, 0.5, 1, -1, 0.99995, 100.005, Number.NaN, Number.POSITIVE_INFINITY),
);

/** Pairs that often print the same at the default precision, so fmtPair has to add decimals. */
const pairArb = fc.oneof(
  fc.tuple(valueArb, valueArb),
  fc
    .tuple(valueArb, fc.double({ min: -1e-3, max: 1e-3, noNaN: true }))
    .map(([a, d]) => [a, a + d] as [number, number]),
  fc.tuple(valueArb, fc.integer({ min: -4, max: 4 })).map(([a, k]) => [a, a + k * 1e-9] as [number, number]),
);

describe('cmpPre', () => {
  it('gives exactly the text of cmp with the labels pre-joined and each side pre-formatted', () => {
    fc.assert(
      fc.property(pairArb, fc.constantFrom('>', '<', '>='), ([a, b], op) => {
        const want = cmp('close', a, op, 'sma200', b);
        expect(cmpPre('close ', a, fmt(a), ` ${op} sma200 `, b, fmt(b))).toBe(want);
      }),
      { numRuns: 20_000 },
    );
  });
});

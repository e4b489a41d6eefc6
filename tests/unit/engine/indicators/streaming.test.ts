import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BarSeries } from '../../../../src/engine/bars.js';
import { KERNELS } from './support/kernel-table.js';
import { barSeriesArb } from './support/bars-arbitrary.js';

function expectStreamMatchesBatch(kernel: (typeof KERNELS)[number], s: BarSeries, n: number): void {
  const batch = kernel.batch(s, n);
  const step = kernel.stream(n);
  for (let i = 0; i < s.close.length; i++) {
    const got = step(s, i);
    expect(Object.keys(got).sort()).toEqual(Object.keys(batch).sort());
    for (const [field, value] of Object.entries(got)) {
      // Same operations in the same order: bit-identical, NaN warm-up included.
      if (!Object.is(value, batch[field]![i])) {
        expect.fail(`${kernel.name}.${field}[${i}] (n=${n}): stream ${value}, batch ${batch[field]![i]}`);
      }
    }
  }
}

describe('streaming kernels equal the batch kernels bit for bit', () => {
  for (const kernel of KERNELS) {
    it(kernel.name, () => {
      fc.assert(
        fc.property(
          fc.oneof(barSeriesArb({ maxLength: 250 }), barSeriesArb({ maxLength: 250, tick: 0.5 })),
          fc.integer({ min: kernel.minPeriod, max: 40 }),
          (s, n) => expectStreamMatchesBatch(kernel, s, n),
        ),
        { numRuns: 40 },
      );
    });
  }
});

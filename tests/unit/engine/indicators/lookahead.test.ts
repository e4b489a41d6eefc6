import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KERNELS } from './support/kernel-table.js';
import { seriesWithAlteredFutureArb } from './support/bars-arbitrary.js';

describe('no lookahead: changing bars after t never changes values at or before t', () => {
  for (const kernel of KERNELS) {
    it(kernel.name, () => {
      fc.assert(
        fc.property(
          fc.oneof(seriesWithAlteredFutureArb({ maxLength: 250 }), seriesWithAlteredFutureArb({ maxLength: 250, tick: 1 })),
          fc.integer({ min: kernel.minPeriod, max: 40 }),
          ({ original, altered, t }, n) => {
            const a = kernel.batch(original, n);
            const b = kernel.batch(altered, n);
            for (const field of Object.keys(a)) {
              for (let i = 0; i <= t; i++) {
                if (!Object.is(a[field]![i], b[field]![i])) {
                  expect.fail(`${kernel.name}.${field}[${i}] changed when bars after ${t} changed (n=${n})`);
                }
              }
            }
          },
        ),
        { numRuns: 40 },
      );
    });
  }
});

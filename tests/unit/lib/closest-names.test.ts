import { describe, expect, it } from 'vitest';
import { closestNames } from '../../../src/lib/closest-names.js';

describe('closestNames', () => {
  it('orders by edit distance, then name, and ignores case', () => {
    expect(closestNames('xlkk', ['XLE', 'XLK', 'SPY', 'XLKS'])).toEqual(['XLK', 'XLKS', 'XLE']);
  });
  it('suggests nothing that shares nothing', () => {
    expect(closestNames('AAPL', ['SPY', 'GL', 'XOM'])).toEqual([]);
  });
  it('respects the limit and de-duplicates', () => {
    expect(closestNames('TOL', ['TOL', 'TOL', 'TOLL', 'TO', 'TEL'], 2)).toEqual(['TOL', 'TEL']);
  });
});

import type { Benchmark } from './lib/types.js';

/** Section `var` (issue 21): VaR of 20 positions x 10,000 paths (target <= 50 ms). SCAFFOLD: filled in with the feature. */
export const varBenchmark: Benchmark = {
  name: 'var',
  summary: 'VaR of 20 positions x 10,000 paths (target <= 50 ms)',
  async run() {
    throw new Error('bench section var is not built yet');
  },
};

import type { Benchmark } from './lib/types.js';

/** Section `correlation` (issue 21): correlation check of 50 candidates against 20 positions. SCAFFOLD: filled in with the feature. */
export const correlationBenchmark: Benchmark = {
  name: 'correlation',
  summary: 'correlation check of 50 candidates against 20 positions',
  async run() {
    throw new Error('bench section correlation is not built yet');
  },
};

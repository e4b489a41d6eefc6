import type { Benchmark } from './lib/types.js';

/** Section `replay` (issue 21): replay overhead of a stored backtest. SCAFFOLD: filled in with the feature. */
export const replayBenchmark: Benchmark = {
  name: 'replay',
  summary: 'replay overhead of a stored backtest',
  async run() {
    throw new Error('bench section replay is not built yet');
  },
};

import type { Benchmark } from './lib/types.js';

/** Section `data-check` (issue 21): data check of the 900-symbol universe. SCAFFOLD: filled in with the feature. */
export const dataCheckBenchmark: Benchmark = {
  name: 'data-check',
  summary: 'data check of the 900-symbol universe',
  async run() {
    throw new Error('bench section data-check is not built yet');
  },
};

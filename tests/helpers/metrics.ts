import type { MetricsPort } from '../../src/adapters/metrics/port.js';

const noop = { inc() {}, observe() {} };

/** A MetricsPort that records nothing: for worker-runtime tests that do not look at metrics. */
export const silentMetrics: MetricsPort = { commands: { labels: () => noop }, jobDuration: { labels: () => noop }, telegramCalls: { labels: () => noop } };

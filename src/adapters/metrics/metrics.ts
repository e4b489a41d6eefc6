import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricsPort } from './port.js';

/** Prometheus metrics of one process. Queue depths are sampled when scraped. */
export class Metrics implements MetricsPort {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'courtside_commands_total',
    help: 'Telegram commands received, by command and outcome',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: 'courtside_job_duration_seconds',
    help: 'Time a worker spent on a job, by queue, job name and result',
    labelNames: ['queue', 'job', 'result'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly telegramCalls = new Counter({
    name: 'courtside_telegram_calls_total',
    help: 'Bot API calls made by the notify worker, by method and result',
    labelNames: ['method', 'result'] as const,
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'courtside_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });
  readonly killSwitch = new Gauge({
    name: 'courtside_kill_switch_engaged',
    help: '1 when the kill switch is engaged (or unreadable), else 0',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'courtside_' });
  }

  /** Renders the Prometheus text format after running the given samplers (queue depths, kill switch). */
  async render(samplers: (() => Promise<void>)[] = []): Promise<string> {
    await Promise.allSettled(samplers.map((s) => s()));
    return this.registry.metrics();
  }
}

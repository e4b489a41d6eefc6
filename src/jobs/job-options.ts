import type { JobsOptions } from 'bullmq';

/**
 * Named job-option presets. Completed command jobs are kept for a day so a
 * redelivered Telegram update (same jobId `tg-<update_id>`) is a no-op.
 */
export const COMMAND_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Telegram delivery: many patient retries (network blips, 5xx); 429s are handled by the rate limiter, not attempts. */
export const NOTIFY_JOB_OPTIONS: JobsOptions = {
  attempts: 12,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Scan jobs: a failed chunk retries (another worker may take it); results are kept a day for audit. */
export const SCAN_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 5_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * Executions: an outcome that is not known yet (broker slow, order not visible)
 * throws to run again later; a re-run only looks the order up by its client
 * order id, never re-sends. Kept a week: the jobId `exec-<approvalId>` must
 * keep deduplicating re-enqueues for as long as anyone can tap the card.
 */
export const EXECUTION_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * Backtest jobs: one attempt (a failure is recorded on the run and told to the
 * user; rerunning the same request reuses nothing half-done), removed once
 * finished so the request-derived job id is free for the next identical
 * request (which then reuses the stored result). Postgres keeps the history.
 */
export const BACKTEST_JOB_OPTIONS: JobsOptions = {
  attempts: 1,
  removeOnComplete: true,
  removeOnFail: true,
};

/**
 * Hypotheses (generator, incubation): transient errors retry with backoff;
 * typed errors are discarded by the worker runtime. Removed once finished so
 * the next session's `incubate-<id>-v<version>` (same id while it stays
 * INCUBATING, e.g. at a full PAPER cap) can be enqueued again; Postgres keeps
 * the history.
 */
export const HYPOTHESES_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: true,
  removeOnFail: true,
};

export const JOB_OPTIONS_BY_QUEUE = {
  commands: COMMAND_JOB_OPTIONS,
  notify: NOTIFY_JOB_OPTIONS,
  scans: SCAN_JOB_OPTIONS,
  backtests: BACKTEST_JOB_OPTIONS,
  executions: EXECUTION_JOB_OPTIONS,
  hypotheses: HYPOTHESES_JOB_OPTIONS,
} as const;

/**
 * The metrics the faces and the job runtime record, as a port: they count
 * and time; the Prometheus registry behind it (metrics.ts) is wired in by app.
 */

/** A counter with labels, e.g. commands by command and outcome. */
export interface LabeledCounter {
  labels(...values: string[]): { inc(by?: number): void };
}

/** A histogram with labels, e.g. job durations by queue, job and result. */
export interface LabeledHistogram {
  labels(...values: string[]): { observe(value: number): void };
}

/** Process metrics as the bot and the job runtime record them. */
export interface MetricsPort {
  /** Telegram commands received, by command and outcome. */
  commands: LabeledCounter;
  /** Seconds a worker spent on a job, by queue, job name and result. */
  jobDuration: LabeledHistogram;
  /** Bot API calls made by the notify worker, by method and result. */
  telegramCalls: LabeledCounter;
}

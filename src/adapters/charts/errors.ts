/**
 * Typed chart errors. Each message says what to do next, because these end
 * up in logs read by whoever operates the bot, not by the chart's author.
 */

/** The spec itself is unusable (caller bug or bad data); retrying will not help. */
export class ChartSpecError extends Error {
  override readonly name = 'ChartSpecError';
}

/** The backend failed to produce a PNG for a valid spec. */
export class ChartRenderError extends Error {
  override readonly name: string = 'ChartRenderError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Why a QuickChart request failed; lets callers decide whether to fall back to the local renderer. */
export type QuickChartFailure = 'unreachable' | 'timeout' | 'http-status' | 'not-png';

/** The configured QuickChart server could not be used. */
export class QuickChartError extends ChartRenderError {
  override readonly name = 'QuickChartError';
  constructor(
    readonly reason: QuickChartFailure,
    readonly baseUrl: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`QuickChart at ${baseUrl}: ${detail}; check QUICKCHART_URL and that the server is running`, options);
  }
}

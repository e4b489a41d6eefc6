/**
 * Preflight (issue 20, item 1): checks run before trading — by `courtside
 * preflight`, by /preflight, and on their own at start-up when a live broker
 * is configured. Each check is a small async function over the app's ports;
 * the runner ({@link runPreflight}) gives each its own timeout, so a hung
 * service is a ✗ with the time waited, never a hung preflight. Checks return
 * data; the CLI and the bot format it.
 */

/** ✓ pass, ⚠ warn (works, but a careful trader should know), ✗ fail (blocks entries; exit code 1). */
export type PreflightLevel = 'pass' | 'warn' | 'fail';

/** What one check saw, and the fix in one line when it is not a pass. */
export interface PreflightResult {
  /** Stable id, e.g. `postgres.reachable`, `broker.alpaca-paper.clock`. */
  id: string;
  /** Short label as a trader reads it ("Postgres reachable"). */
  title: string;
  level: PreflightLevel;
  /** What it saw, in one line (never a secret). */
  saw: string;
  /** The fix in one line; null on a pass. */
  fix: string | null;
  /** Wall time of the check, milliseconds. */
  ms: number;
  /** Which market it is about (`us`, `kr`), null when it is about the installation. */
  market?: string | null;
}

/** What a check returns; the runner adds its id, title and time. */
export interface CheckVerdict {
  level: PreflightLevel;
  saw: string;
  /** Required unless the level is `pass`. */
  fix?: string | null;
  /**
   * One result per part instead of this verdict (e.g. one per data source,
   * whose number is only known when the check runs). Each part's id is the
   * check's id plus `.` plus its `key`; the check's own level/saw are then
   * unused. Absent or empty: this verdict is the result.
   */
  parts?: readonly CheckPart[];
}

/** One result of a check that splits (see {@link CheckVerdict.parts}). */
export interface CheckPart {
  key: string;
  title: string;
  level: PreflightLevel;
  saw: string;
  fix?: string | null;
}

/**
 * Thrown by a port when a check cannot run because a service it needs is down
 * (e.g. the data checks while Postgres is unreachable): a ✗ whose fix points at
 * that service's own check rather than a generic one.
 */
export class PreflightBlocked extends Error {
  override readonly name = 'PreflightBlocked';
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** One check. */
export interface PreflightCheck {
  id: string;
  title: string;
  market?: string | null;
  /** Its own timeout (default {@link DEFAULT_CHECK_TIMEOUT_MS}); past it the check is a ✗ "no answer within N ms". */
  timeoutMs?: number;
  /** The fix to print when it times out or throws (default: a generic one naming the check). */
  fixOnError?: string;
  run(): Promise<CheckVerdict>;
}

/** Default per-check timeout: a whole run against the emulators stays within 10 s. */
export const DEFAULT_CHECK_TIMEOUT_MS = 3_000;

/** A whole run: every result, in check order, and when it ran. */
export interface PreflightReport {
  /** ISO time the run started. */
  at: string;
  /** `pass` when every check passed, `warn` when the worst is a ⚠, `fail` on any ✗. */
  level: PreflightLevel;
  results: PreflightResult[];
  /** Wall time of the whole run, milliseconds. */
  ms: number;
}

/** Runs this installation's preflight on demand (/preflight; built by the app from the one check list). */
export interface PreflightRunner {
  /** The markets this build has (`us`). */
  readonly markets: readonly string[];
  /** Every check, or the installation's plus one market's. */
  /** Every check (or the installation's plus one market's); the run is recorded as `by` (it lifts or sets the live entry gate). */
  run(opts?: { market?: string; by?: string }): Promise<PreflightReport>;
}

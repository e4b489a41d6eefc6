/**
 * Typed errors decide what happens to a failed job or command:
 * - `retry`: transient (network, a service restarting). BullMQ retries with backoff.
 * - `discard`: will never succeed (bad payload, unknown job). Logged, not retried.
 * - `tell_user`: the user asked for something that cannot be done; they get
 *   `userMessage`, which always says what to do next. Not retried.
 */
export type Disposition = 'retry' | 'discard' | 'tell_user';

export class CourtsideError extends Error {
  constructor(
    message: string,
    readonly disposition: Disposition,
    readonly userMessage?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Long work stopped because someone asked it to (a cancel flag, a shutdown).
 * Subclassed per kind of work; callers that only need "was it cancelled"
 * test for this class.
 */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = new.target.name;
  }
}

/** Redis could not take the job: the command was not run and nothing was half-done. */
export class QueueUnavailableError extends CourtsideError {
  constructor(cause: unknown) {
    super(
      `queue unavailable: ${cause instanceof Error ? cause.message : String(cause)}`,
      'tell_user',
      '⚠️ Queue unavailable: Redis is not answering, so this command was not run (nothing was changed). Try again in a minute; /kill still works.',
    );
  }
}

/** Postgres could not be reached: nothing was recorded or run. */
export class DatabaseUnavailableError extends CourtsideError {
  constructor(cause: unknown) {
    super(
      `database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`,
      'tell_user',
      '⚠️ Database unavailable: Postgres is not answering, so this command was not run (nothing was changed). Try again in a minute.',
    );
  }
}

/** A job whose name or payload does not match the registry: it can never succeed. */
export class InvalidJobError extends CourtsideError {
  constructor(message: string) {
    super(message, 'discard');
  }
}

/** The user's request is valid but refused (permissions, state); the message says why and what next. */
export class UserFacingError extends CourtsideError {
  constructor(userMessage: string) {
    super(userMessage, 'tell_user', userMessage);
  }
}

/** The message of anything thrown. */
export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** True when `e` is Postgres' unique violation (23505) on `table` (directly from pg, or wrapped by TypeORM). */
export function isUniqueViolation(e: unknown, table: string): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as { code?: unknown; table?: unknown; driverError?: { code?: unknown; table?: unknown } };
  const d = err.driverError ?? err;
  return d.code === '23505' && d.table === table;
}

/**
 * True when `e` is a Postgres data exception (SQLSTATE class 22: a date or
 * number out of range, text that is not a valid value…), directly from pg or
 * wrapped by TypeORM. The same statement with the same values fails the same
 * way every time, so a job that hit one must not be retried.
 */
export function isDataException(e: unknown): boolean {
  return /^22[0-9A-Z]{3}$/.test(sqlStateOf(e) ?? '');
}

/** The SQLSTATE of a Postgres error (pg's `code`, or TypeORM's `driverError.code`), if `e` is one. */
export function sqlStateOf(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const err = e as { code?: unknown; driverError?: { code?: unknown } };
  const code = err.driverError?.code ?? err.code;
  return typeof code === 'string' ? code : undefined;
}

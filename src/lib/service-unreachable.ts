/**
 * "Postgres is not reachable at 127.0.0.1:5439 (connection refused; DATABASE_URL). Start …":
 * which service, the address tried (never the password), why, and the fix —
 * instead of a library's bare "connect ECONNREFUSED 127.0.0.1:5439".
 */

/** The two services Courtside cannot run without. */
export type ServiceName = 'Postgres' | 'Redis';

/** The command that starts both services on 127.0.0.1 (docker-compose.yml). */
export const COMPOSE_SERVICES_COMMAND = 'docker compose up -d postgres redis';
/** The DATABASE_URL that matches the compose file's Postgres (documented in .env.example and the README). */
export const COMPOSE_DATABASE_URL = 'postgres://courtside:courtside@127.0.0.1:5432/courtside';

/** Why a connection failed, in words; `kind` decides the fix. */
interface Problem {
  reason: string;
  kind: 'down' | 'auth' | 'no-database';
}

/** A service could not be connected to (or refused the login); the message says which, where, why, and what to do. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';
  constructor(
    readonly service: ServiceName,
    /** host:port, without user or password. */
    readonly address: string,
    /** The variable the address came from (DATABASE_URL, MIGRATION_DATABASE_URL, REDIS_URL). */
    readonly setting: string,
    readonly reason: string,
    readonly fix: string,
    options?: { cause?: unknown; kind?: Problem['kind'] },
  ) {
    // A login or database problem is not "unreachable": the server answered.
    const headline = (options?.kind ?? 'down') === 'down' ? `${service} is not reachable at ${address} (${reason}; ${setting}).` : `${service} at ${address} (${setting}): ${reason}.`;
    super(`${headline} ${fix}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.headline = headline;
  }

  /** What went wrong and where, without the fix (the CLI prints the fix on its own line). */
  readonly headline: string;
}

/** host:port of a connection URL, without credentials; the scheme's default port when none is given. */
export function addressOf(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname || '127.0.0.1'}:${u.port || defaultPort}`;
  } catch {
    return '(an address that is not a valid URL)';
  }
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'no answer: timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
};

/** Error codes of the error and of the errors it wraps (AggregateError when a host has several addresses, `cause`). */
function codesOf(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 3) return [];
  const e = err as { code?: unknown; errors?: unknown[]; cause?: unknown };
  return [
    ...(typeof e.code === 'string' ? [e.code] : []),
    ...(Array.isArray(e.errors) ? e.errors.flatMap((x) => codesOf(x, depth + 1)) : []),
    ...codesOf(e.cause, depth + 1),
  ];
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The connection problem an error shows, or null when it is not one (a failing query, a bug). */
export function connectionProblem(err: unknown): Problem | null {
  const codes = codesOf(err);
  for (const c of codes) {
    const reason = NETWORK_REASONS[c];
    if (reason) return { reason, kind: 'down' };
  }
  // Postgres SQLSTATEs of a refused login and of a database that is not there.
  if (codes.includes('28P01') || codes.includes('28000')) return { reason: 'login refused: wrong user or password', kind: 'auth' };
  if (codes.includes('3D000')) return { reason: 'the database does not exist', kind: 'no-database' };
  if (codes.includes('57P03')) return { reason: 'the server is starting up or shutting down', kind: 'down' };
  const text = messageOf(err);
  if (/connection timeout|timeout expired|Connection terminated unexpectedly/i.test(text)) return { reason: 'no answer: timed out', kind: 'down' };
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(text)) return { reason: 'login refused: wrong user or password', kind: 'auth' };
  return null;
}

/**
 * The error to throw or log for a failed Postgres connection: a ServiceUnreachableError when
 * `err` is a connection problem, else `err` itself.
 */
export function postgresConnectError(err: unknown, url: string, setting: string): unknown {
  const problem = connectionProblem(err);
  if (!problem) return err;
  const fix =
    problem.kind === 'auth'
      ? `Check the user and password in ${setting}.`
      : problem.kind === 'no-database'
        ? `Run \`courtside migrate\` (it creates the database), or check the database name in ${setting}.`
        : `Start Postgres: \`${COMPOSE_SERVICES_COMMAND}\` runs it on 127.0.0.1:5432 (then put ${setting}=${COMPOSE_DATABASE_URL} in .env), or set ${setting} to your server (postgres://user[:password]@host:port/database).`;
  return new ServiceUnreachableError('Postgres', addressOf(url, 5432), setting, problem.reason, fix, { cause: err, kind: problem.kind });
}

/** The same for Redis (REDIS_URL). */
export function redisConnectError(err: unknown, url: string, setting = 'REDIS_URL'): unknown {
  const problem = connectionProblem(err);
  if (!problem) return err;
  const fix =
    problem.kind === 'auth'
      ? `Check the password in ${setting} (redis://:password@host:port).`
      : `Start Redis: \`${COMPOSE_SERVICES_COMMAND}\` runs it on 127.0.0.1:6379, or set ${setting} to your server (redis://[:password@]host:port).`;
  return new ServiceUnreachableError('Redis', addressOf(url, 6379), setting, problem.reason, fix, { cause: err, kind: problem.kind });
}

/** Redis gave no answer within `ms` and no error said why. */
export function redisSilentError(url: string, ms: number, setting = 'REDIS_URL'): ServiceUnreachableError {
  return new ServiceUnreachableError(
    'Redis',
    addressOf(url, 6379),
    setting,
    `no answer within ${Math.round(ms / 1000)} s`,
    `Start Redis: \`${COMPOSE_SERVICES_COMMAND}\` runs it on 127.0.0.1:6379, or set ${setting} to your server (redis://[:password@]host:port).`,
  );
}

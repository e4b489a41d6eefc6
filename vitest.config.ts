import { defineConfig } from 'vitest/config';

/**
 * Projects (`vitest run --project unit` runs one; `npm run test:unit` runs the
 * three that need no service):
 * - unit: tests/unit. No database, Redis or build; worker threads (cheaper
 *   to start than processes).
 * - unit-cpu: the few unit files that time themselves by process CPU (forks).
 * - architecture: tests/architecture — the import rules' planted violations
 *   and the production build's content; they run dependency-cruiser and tsc
 *   in child processes (~10 s of CPU), so they are kept out of `unit`.
 * - integration, e2e: real Postgres/Redis, spawned processes, servers;
 *   child processes (forks) so a test's process-wide state (signal handlers,
 *   process.env, open handles) cannot leak into another file. Their global
 *   setup (shared, once per run) makes the template database and makes
 *   dist/ current for the processes they spawn.
 * The machine has 2 cores: at most 2 test files run at once, across projects.
 */
const GLOBAL_SETUP = ['tests/helpers/global-setup.ts'];
/**
 * Unit files that measure process.cpuUsage(): in a worker thread that is the
 * whole process's CPU (every thread's), so they run in a process of their own.
 */
const PROCESS_CPU_TIMED = ['tests/unit/adapters/market-data/synthetic.test.ts'];

export default defineConfig({
  test: {
    // COURTSIDE_ENV_FILE: the CLI reads ./.env unless this names another file; an empty one
    // (/dev/null) keeps a developer's .env out of every test (tests/helpers/cli.ts does the same for CLI children).
    env: { TZ: 'UTC', LOG_LEVEL: 'silent', COURTSIDE_ENV_FILE: '/dev/null' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    // Per-file durations first, then the default reporter: its summary stays the last lines.
    reporters: ['./tests/helpers/durations-reporter.ts', 'default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          exclude: PROCESS_CPU_TIMED,
          pool: 'threads',
        },
      },
      {
        extends: true,
        test: { name: 'unit-cpu', include: PROCESS_CPU_TIMED, pool: 'forks' },
      },
      {
        extends: true,
        test: { name: 'architecture', include: ['tests/architecture/**/*.test.ts'], pool: 'forks' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          pool: 'forks',
          globalSetup: GLOBAL_SETUP,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          pool: 'forks',
          globalSetup: GLOBAL_SETUP,
        },
      },
    ],
  },
});

/**
 * BullMQ options for the queues on our shared producer connection: no INFO version probe while
 * one initialises (workers keep theirs: their blocking timeouts depend on the version found, and
 * closeWorker waits for their start instead). On a shared connection BullMQ's close() drops the queue's listeners without
 * waiting for that probe; when the app then closed the connection (a start-up that fails right
 * after creating the queues) the probe's "Connection is closed" became an unhandled rejection
 * (tests/e2e/auth.test.ts, about 1 run in 3). The wait for a ready connection stays. Redis 6.2 or
 * newer is a documented requirement (README), not probed here.
 */
export const NO_INIT_COMMANDS = { skipVersionCheck: true } as const;

import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { Worker } from 'bullmq';
import { silentMetrics as metrics } from '../../helpers/metrics.js';
import { closeWorker } from '../../../src/jobs/close-worker.js';
import { jobsOf } from '../../../src/jobs/registry.js';
import { startQueueWorker, type HandlerMap } from '../../../src/jobs/worker-runtime.js';
import { uniquePrefix } from '../../helpers/env.js';


/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * While Redis is down BullMQ reports the same refusal every ≤ 2 s from each of its connections;
 * the worker log says it once per outage, naming the service, the address and the fix
 * (issue 13 item 6: "connect ECONNREFUSED" alone tells a trader nothing).
 */
describe('worker runtime: a Redis outage is logged once, in words', () => {
  let worker: Worker | undefined;
  let conn: Redis | undefined;
  afterAll(async () => {
    if (worker) await closeWorker(worker, { warn: () => undefined }, 1_000);
    conn?.disconnect();
  });

  it('one "worker error" line naming Redis, the address and the fix over several reconnect attempts', async () => {
    const port = await deadPort();
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    });
    conn = new Redis(`redis://127.0.0.1:${port}`, { maxRetriesPerRequest: null, retryStrategy: () => 200, lazyConnect: false });
    conn.on('error', () => undefined);
    const handlers = Object.fromEntries(jobsOf('commands').map((n) => [n, async () => undefined])) as unknown as HandlerMap<'commands'>;
    worker = startQueueWorker('commands', handlers, { connection: conn, prefix: uniquePrefix(), concurrency: 1, logger: pino({ level: 'info' }, sink), metrics });
    // Several reconnect attempts (every 200 ms) from the worker's connections.
    await new Promise((r) => setTimeout(r, 2_500));
    const errors = lines.filter((l) => l.msg === 'worker error');
    expect(errors.length, JSON.stringify(errors.slice(0, 3))).toBe(1);
    const text = String(errors[0]!.err);
    expect(text).toContain(`Redis is not reachable at 127.0.0.1:${port}`);
    expect(text).toContain('Start Redis');
  });
});

/**
 * /readyz under load (issue 12, item 8): a flood of readiness requests must not
 * turn into a flood of Postgres/Redis probes. Readiness comes from a snapshot a
 * single background prober refreshes every 2 s; requests only read it. A prober
 * that wedges must not keep reporting the last "ready" forever.
 *
 * Runs the whole app (startApp via the harness) against the real services.
 */
import { request, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';

/** One GET on a fresh connection (no agent pooling, so 1,000 calls are 1,000 concurrent sockets). */
function get(port: number, path: string, timeoutMs = 20_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: timeoutMs }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The readiness refresh period the issue asks for. */
const REFRESH_MS = 2_000;

describe('/readyz under load', () => {
  let h: Harness;
  let probes = 0;

  beforeAll(async () => {
    h = await startHarness({ mode: 'local', roles: ['worker'] });
    // Count every readiness probe by counting the Redis pings the status collector makes.
    const src = h.running.app.statusSources;
    const real = src.redis;
    src.redis = {
      ping: () => {
        probes++;
        return real.ping();
      },
    };
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('answers 1,000 concurrent /readyz with 200 while Postgres and Redis are up, probing only a handful of times', async () => {
    const port = h.running.httpPort;
    // Let the prober produce a snapshot with the services up.
    await sleep(REFRESH_MS + 500);
    const before = probes;
    const t0 = Date.now();
    const results = await Promise.allSettled(Array.from({ length: 1_000 }, () => get(port, '/readyz')));
    const elapsed = Date.now() - t0;
    const during = probes - before;

    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    const statuses = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.status] : []));
    const non200 = statuses.filter((s) => s !== 200);
    expect(failed.slice(0, 3), `${failed.length} requests failed outright`).toEqual([]);
    expect(non200.length, `${non200.length} of 1000 answers were not 200 (e.g. ${non200.slice(0, 5).join(',')})`).toBe(0);
    // Requests read the snapshot: probes follow the clock (one per refresh period), not the request count.
    expect(during, `${during} probes ran during a ${elapsed} ms burst`).toBeLessThanOrEqual(Math.ceil(elapsed / REFRESH_MS) + 2);
  });

  it('keeps refreshing in the background without any request', async () => {
    const before = probes;
    await sleep(REFRESH_MS * 2 + 500);
    expect(probes - before).toBeGreaterThanOrEqual(1);
    expect(probes - before).toBeLessThanOrEqual(4);
  });

  it('reports not ready once the snapshot is older than 3 refresh periods (a wedged prober cannot stay "ready")', async () => {
    const port = h.running.httpPort;
    expect((await get(port, '/readyz', 3_000)).status).toBe(200);
    // Wedge the next probe: the kill-switch read never answers.
    const src = h.running.app.statusSources;
    const realKill = src.killSwitch;
    src.killSwitch = { state: () => new Promise(() => undefined) };
    try {
      // Requests never run a probe themselves, so each answers at once from the (ageing) snapshot.
      const deadline = Date.now() + REFRESH_MS * 3 + 4_000;
      let last = 0;
      while (Date.now() < deadline) {
        const t0 = Date.now();
        last = (await get(port, '/readyz', 1_000)).status;
        expect(Date.now() - t0).toBeLessThan(1_000);
        if (last === 503) break;
        await sleep(250);
      }
      expect(last, 'a wedged prober still reported ready after 3 refresh periods').toBe(503);
    } finally {
      src.killSwitch = realKill;
    }
  });
});

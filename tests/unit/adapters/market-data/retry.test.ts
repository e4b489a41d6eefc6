import { describe, expect, it } from 'vitest';
import { DataProviderError } from '../../../../src/adapters/market-data/errors.js';
import { redact, safeUrl } from '../../../../src/adapters/market-data/http/redact.js';
import { backoffDelayMs, getJsonWithRetry, parseRetryAfterMs, type GetJsonRequest } from '../../../../src/adapters/market-data/http/retry.js';

const SECRET = 'sk_live_DO_NOT_LEAK_123';

/** A fetch that plays back scripted responses (or throws) and records calls. */
function scripted(steps: (Response | Error)[]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(url), init });
    const step = steps.shift();
    if (!step) throw new Error('no more scripted responses');
    if (step instanceof Error) throw step;
    return step;
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function request(fetch: typeof globalThis.fetch, over: Partial<GetJsonRequest> = {}) {
  const sleeps: number[] = [];
  const req: GetJsonRequest = {
    provider: 'test',
    url: 'https://api.example.test/v1/things?x=1',
    headers: { authorization: `Bearer ${SECRET}` },
    fetch,
    policy: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5_000, timeoutMs: 1_000 },
    secrets: [SECRET],
    authHint: 'check TEST_KEY',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    errorText: (b) => (b as { message?: string }).message,
    ...over,
  };
  return { req, sleeps };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

async function failure(p: Promise<unknown>): Promise<DataProviderError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DataProviderError);
  expect((e as Error).message).not.toContain(SECRET);
  return e as DataProviderError;
}

describe('backoff and Retry-After', () => {
  it('doubles per attempt with jitter, capped', () => {
    const policy = { baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelayMs(0, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(0, policy, () => 0.999999)).toBe(100);
    expect(backoffDelayMs(2, policy, () => 0.5)).toBe(300);
    expect(backoffDelayMs(10, policy, () => 0.999999)).toBe(1_000);
  });

  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfterMs('3')).toBe(3_000);
    expect(parseRetryAfterMs('0.5')).toBe(500);
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfterMs('Mon, 01 Jan 2024 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfterMs('soon')).toBeUndefined();
    expect(parseRetryAfterMs(null)).toBeUndefined();
  });
});

describe('redaction', () => {
  it('masks secrets and credential query parameters', () => {
    expect(redact(`key=${SECRET}!`, [SECRET])).toBe('key=***!');
    expect(redact('abc', ['a'])).toBe('abc');
    expect(safeUrl(`https://u:p@x.test/a?apiKey=${SECRET}&from=1`, [])).toBe('https://x.test/a?apiKey=***&from=1');
  });
});

describe('getJsonWithRetry', () => {
  it('returns parsed JSON, sending headers, with redirects disabled', async () => {
    const { fetch, calls } = scripted([json(200, { ok: 1 })]);
    const { req } = request(fetch);
    expect(await getJsonWithRetry(req)).toEqual({ ok: 1 });
    expect(calls[0]!.init!.redirect).toBe('manual');
    expect((calls[0]!.init!.headers as Record<string, string>)['authorization']).toBe(`Bearer ${SECRET}`);
  });

  it('retries network errors and 5xx with growing delays, then succeeds', async () => {
    const netErr = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
    const { fetch, calls } = scripted([netErr, json(503, { message: 'busy' }), json(200, [1])]);
    const { req, sleeps } = request(fetch);
    expect(await getJsonWithRetry(req)).toEqual([1]);
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([75, 150]);
  });

  it('waits at least Retry-After on 429', async () => {
    const { fetch } = scripted([json(429, {}, { 'retry-after': '2' }), json(200, {})]);
    const { req, sleeps } = request(fetch);
    await getJsonWithRetry(req);
    expect(sleeps).toEqual([2_000]);
  });

  it('fails fast when Retry-After exceeds the longest wait', async () => {
    const { fetch, calls } = scripted([json(429, {}, { 'retry-after': '600' })]);
    const { req, sleeps } = request(fetch);
    const e = await failure(getJsonWithRetry(req));
    expect(e.kind).toBe('rate_limited');
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/asked to wait 600 s/);
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxRetries with the last error and the attempt count', async () => {
    const { fetch, calls } = scripted([json(500, {}), json(502, {}), json(500, {}), json(500, { message: 'still down' })]);
    const { req } = request(fetch);
    const e = await failure(getJsonWithRetry(req));
    expect(calls).toHaveLength(4);
    expect(e).toMatchObject({ kind: 'unavailable', status: 500, attempts: 4, retryable: true });
    expect(e.message).toMatch(/^test: GET \/v1\/things\?x=1 returned HTTP 500 \(server says: "still down"\); try again later/);
  });

  it('maps 401/403 to auth with the provider hint, 404 to not_found, other 4xx to bad_request, without retrying', async () => {
    for (const [status, kind] of [
      [401, 'auth'],
      [403, 'auth'],
      [404, 'not_found'],
      [422, 'bad_request'],
    ] as const) {
      const { fetch, calls } = scripted([json(status, { message: `nope ${SECRET}` })]);
      const e = await failure(getJsonWithRetry(request(fetch).req));
      expect(e.kind).toBe(kind);
      expect(e.retryable).toBe(false);
      expect(calls).toHaveLength(1);
      // The server echoing the key is redacted too.
      expect(e.message).toContain('nope ***');
      if (kind === 'auth') expect(e.message).toMatch(/check TEST_KEY$/);
    }
  });

  it('refuses to follow redirects', async () => {
    const { fetch } = scripted([new Response(null, { status: 302, headers: { location: 'https://evil.test/' } })]);
    const e = await failure(getJsonWithRetry(request(fetch).req));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(/redirect/);
  });

  it('reports a non-JSON 200 body as bad_response without retrying', async () => {
    const { fetch, calls } = scripted([new Response('<html>oops</html>', { status: 200 })]);
    const e = await failure(getJsonWithRetry(request(fetch).req));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toContain('not JSON (starts "<html>oops</html>")');
    expect(calls).toHaveLength(1);
  });

  it('treats a timeout as unavailable', async () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const { fetch } = scripted([timeout]);
    const e = await failure(getJsonWithRetry(request(fetch, { policy: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1, timeoutMs: 250 } }).req));
    expect(e.kind).toBe('unavailable');
    expect(e.message).toMatch(/no response within 250 ms/);
  });
});

describe('getJsonWithRetry body failures', () => {
  it('retries when the body cannot be read', async () => {
    const broken = new Response(
      new ReadableStream({
        start(c) {
          c.error(new Error('socket hang up'));
        },
      }),
      { status: 200 },
    );
    const { fetch, calls } = scripted([broken, json(200, { ok: true })]);
    expect(await getJsonWithRetry(request(fetch).req)).toEqual({ ok: true });
    expect(calls).toHaveLength(2);
  });
});

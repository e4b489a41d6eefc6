/**
 * Who may see what on the HTTP port (issue 12, item 8). Without
 * `Authorization: Bearer <HTTP_ADMIN_TOKEN>`, /readyz says only whether the
 * process is ready (no alert texts, order ids, instance names); /metrics needs
 * the token once the server listens beyond loopback; the token is never logged;
 * docker-compose publishes ports on loopback only.
 *
 * Runs the whole app (startApp via the harness) against the real services.
 */
import { readFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { loadConfig } from '../../../src/app/config/config.js';
import { createLogger } from '../../../src/lib/logging/logger.js';

const ADMIN_TOKEN = 'adm1n-T0ken_for-http-auth-tests-7f3c9e';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, timeout: 5_000 }, (res: IncomingMessage) => {
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

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/** /readyz answers from a background snapshot: wait until the first one says ready. */
async function untilReady(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if ((await get(port, '/readyz')).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('/readyz never answered 200');
}

const warnLinesAbout = (logs: string[], word: string) =>
  logs.map((l) => JSON.parse(l) as { level: number; msg?: string }).filter((l) => l.level === 40 && JSON.stringify(l).includes(word));

describe('HTTP endpoints bound beyond loopback, with HTTP_ADMIN_TOKEN', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({ mode: 'local', roles: ['worker'], env: { HTTP_HOST: '0.0.0.0', HTTP_ADMIN_TOKEN: ADMIN_TOKEN } });
    port = h.running.httpPort;
    await untilReady(port);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('/readyz without a token says only {ready}', async () => {
    const r = await get(port, '/readyz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ready: true });
  });

  it('/readyz with the bearer token gives the full detail', async () => {
    const r = await get(port, '/readyz', bearer(ADMIN_TOKEN));
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ready', postgres: { ok: true }, redis: { ok: true }, killSwitchEngaged: false });
    expect(Array.isArray(body.alerts)).toBe(true);
    expect(body.instance).toBe(h.running.app.instanceId);
  });

  it('/readyz with a wrong token (or another scheme) is the same as none', async () => {
    for (const headers of [bearer(`${ADMIN_TOKEN}x`), bearer(ADMIN_TOKEN.slice(0, -1)), bearer('nope'), { authorization: ADMIN_TOKEN }, { authorization: `Basic ${ADMIN_TOKEN}` }]) {
      const r = await get(port, '/readyz', headers);
      expect(r.status, JSON.stringify(headers)).toBe(200);
      expect(JSON.parse(r.body), JSON.stringify(headers)).toEqual({ ready: true });
    }
  });

  it('/metrics is 401 without the token or with a wrong one, 200 with it', async () => {
    expect((await get(port, '/metrics')).status).toBe(401);
    expect((await get(port, '/metrics', bearer('wrong-token-0123456789'))).status).toBe(401);
    const ok = await get(port, '/metrics', bearer(ADMIN_TOKEN));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/courtside_/);
  });

  it('/healthz says it is alive without telling pid or uptime unless the token is given', async () => {
    const open = await get(port, '/healthz');
    expect(open.status).toBe(200);
    expect(JSON.parse(open.body)).toEqual({ status: 'ok' });
    const full = await get(port, '/healthz', bearer(ADMIN_TOKEN));
    expect(JSON.parse(full.body)).toMatchObject({ status: 'ok', pid: process.pid });
  });

  it('unknown paths are 404 and do not list the internal routes', async () => {
    const r = await get(port, '/admin');
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('/metrics');
  });

  it('never logs the token and warns about nothing', async () => {
    expect(h.logs.join('')).not.toContain(ADMIN_TOKEN);
    expect(warnLinesAbout(h.logs, 'HTTP_ADMIN_TOKEN')).toEqual([]);
  });
});

describe('HTTP endpoints bound beyond loopback, HTTP_ADMIN_TOKEN unset', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({ mode: 'local', roles: ['worker'], env: { HTTP_HOST: '0.0.0.0' } });
    port = h.running.httpPort;
    await untilReady(port);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses /metrics (401) whatever is sent', async () => {
    expect((await get(port, '/metrics')).status).toBe(401);
    expect((await get(port, '/metrics', bearer('anything-at-all-0123'))).status).toBe(401);
  });

  it('refuses the full /readyz (401) but still answers the minimal one for health checks', async () => {
    expect((await get(port, '/readyz', bearer('anything-at-all-0123'))).status).toBe(401);
    const r = await get(port, '/readyz');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ready: true });
  });

  it('logs exactly one warning at start-up saying to set HTTP_ADMIN_TOKEN', () => {
    expect(warnLinesAbout(h.logs, 'HTTP_ADMIN_TOKEN')).toHaveLength(1);
  });
});

describe('HTTP endpoints on loopback', () => {
  let h: Harness;
  let port: number;
  beforeAll(async () => {
    h = await startHarness({ mode: 'local', roles: ['worker'], env: { HTTP_HOST: '127.0.0.1', HTTP_ADMIN_TOKEN: ADMIN_TOKEN } });
    port = h.running.httpPort;
    await untilReady(port);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('/metrics stays open as before', async () => {
    const r = await get(port, '/metrics');
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/courtside_/);
  });

  it('/readyz is still minimal without the token and full with it', async () => {
    expect(JSON.parse((await get(port, '/readyz')).body)).toEqual({ ready: true });
    expect(JSON.parse((await get(port, '/readyz', bearer(ADMIN_TOKEN))).body)).toMatchObject({ status: 'ready', postgres: { ok: true } });
  });

  it('does not warn about HTTP_ADMIN_TOKEN', () => {
    expect(warnLinesAbout(h.logs, 'HTTP_ADMIN_TOKEN')).toEqual([]);
  });
});

describe('HTTP_ADMIN_TOKEN in configuration and logs', () => {
  it('is optional and read into the config', () => {
    expect(loadConfig({}).http).not.toHaveProperty('adminToken', expect.any(String));
    expect(loadConfig({ HTTP_ADMIN_TOKEN: ADMIN_TOKEN }).http).toMatchObject({ adminToken: ADMIN_TOKEN });
  });

  it('is scrubbed from every log line, by value and by field name', () => {
    const config = loadConfig({ HTTP_ADMIN_TOKEN: ADMIN_TOKEN });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger({ level: 'info', secrets: config.secrets, destination: sink });
    log.info({ http: config.http }, `token is ${ADMIN_TOKEN}`);
    log.info({ adminToken: ADMIN_TOKEN }, 'field');
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain(ADMIN_TOKEN);
  });
});

describe('docker-compose.yml', () => {
  /** Every entry of every `ports:` list (short syntax, block or inline). */
  function publishedPorts(yaml: string): string[] {
    const out: string[] = [];
    const lines = yaml.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = /^(\s*)ports:\s*(.*)$/.exec(lines[i]!);
      if (!m) continue;
      const inline = m[2]!.replace(/#.*$/, '').trim();
      if (inline.startsWith('[')) {
        out.push(...inline.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean));
        continue;
      }
      const indent = m[1]!.length;
      for (let j = i + 1; j < lines.length; j++) {
        const line = lines[j]!;
        if (!line.trim() || line.trim().startsWith('#')) continue;
        if (line.search(/\S/) <= indent) break;
        const item = /^\s*-\s*(.*)$/.exec(line);
        out.push((item ? item[1]! : line).replace(/#.*$/, '').trim());
      }
    }
    return out.map((p) => p.replace(/^["']|["']$/g, ''));
  }

  it('publishes every port on loopback only', () => {
    const yaml = readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8');
    const ports = publishedPorts(yaml);
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p, `published port "${p}"`).toMatch(/^(127\.0\.0\.1|\[::1\]):\d+:\d+$/);
    expect(ports).toContain('127.0.0.1:8080:8080');
  });
});

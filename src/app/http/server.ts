import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { adminGate, isLoopbackHost, type HttpAccess } from './admin-access.js';
import { READINESS_REFRESH_MS, ReadinessSnapshot, type ReadinessReport } from './readiness-snapshot.js';

export type { ReadinessReport } from './readiness-snapshot.js';
export type { HttpAccess } from './admin-access.js';

export interface HttpRoutes {
  /**
   * DB and Redis reachable (with timeouts), heartbeats fresh. The server runs it
   * in the background, one run at a time, every refresh period; requests only
   * read the last result.
   */
  readiness(): Promise<ReadinessReport>;
  /** Prometheus text format. */
  metrics(): Promise<string>;
  /** The bot face's webhook handler, mounted at `path` (it checks the secret header before parsing). */
  webhook?: { path: string; handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void };
}

/** Who may see the internals, and how often readiness is probed. */
export interface HttpServerOptions extends HttpAccess {
  /** Readiness refresh period (default 2 s); a result older than 3 periods reads as not ready. */
  readinessRefreshMs?: number;
}

/**
 * /healthz (process alive), /readyz (dependencies reachable), /metrics, optional webhook.
 *
 * Without `Authorization: Bearer <HTTP_ADMIN_TOKEN>` the probes say only
 * alive / ready (load balancers and container health checks need no more), and
 * /metrics is refused once the server listens beyond loopback: the detail names
 * instances, alert texts and order ids. The webhook carries its own secret.
 */
export function createHttpServer(routes: HttpRoutes, log: Logger, options: HttpServerOptions): Server {
  const started = Date.now();
  const exposed = !isLoopbackHost(options.host);
  const gate = adminGate(options.adminToken);
  const readiness = new ReadinessSnapshot(() => routes.readiness(), { refreshMs: options.readinessRefreshMs ?? READINESS_REFRESH_MS });
  if (exposed && !options.adminToken) {
    log.warn(
      { httpHost: options.host },
      'HTTP server listens beyond loopback and HTTP_ADMIN_TOKEN is not set: /metrics and the full /readyz are refused. Set HTTP_ADMIN_TOKEN to read them with "Authorization: Bearer <token>".',
    );
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json', extra: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
      res.end(body);
    };
    const unauthorized = () => send(401, JSON.stringify({ error: 'unauthorized' }), 'application/json', { 'www-authenticate': 'Bearer' });
    void (async () => {
      try {
        if (routes.webhook && path === routes.webhook.path && req.method === 'POST') {
          await routes.webhook.handler(req, res);
          return;
        }
        if (req.method !== 'GET') return send(405, JSON.stringify({ error: 'method not allowed' }));
        const access = gate(req);
        switch (path) {
          case '/healthz':
            if (!access.admin) return send(200, JSON.stringify({ status: 'ok' }));
            return send(200, JSON.stringify({ status: 'ok', pid: process.pid, uptimeSeconds: Math.round((Date.now() - started) / 1000) }));
          case '/readyz': {
            // With no token configured the detail can never be granted; say so instead of pretending the token was wrong.
            if (exposed && !options.adminToken && access.askedForDetail) return unauthorized();
            const r = await readiness.read();
            const status = r.ready ? 200 : 503;
            if (!access.admin) return send(status, JSON.stringify({ ready: r.ready }));
            return send(
              status,
              JSON.stringify({
                status: r.ready ? 'ready' : 'not ready',
                ...r.checks,
                ready: r.ready,
                checkedAt: r.checkedAt === null ? null : new Date(r.checkedAt).toISOString(),
                stale: r.stale,
              }),
            );
          }
          case '/metrics':
            if (exposed && !access.admin) return unauthorized();
            return send(200, await routes.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
          default:
            // No list of routes here: the internal ones are nobody's business without the token.
            return send(404, JSON.stringify({ error: 'not found' }));
        }
      } catch (err) {
        log.error({ err, path }, 'http handler failed');
        if (!res.headersSent) send(500, JSON.stringify({ error: 'internal error' }));
        else res.end();
      }
    })();
  });
  server.on('listening', () => readiness.start());
  server.on('close', () => readiness.stop());
  return server;
}

/** Listens and resolves with the bound port (0 = any free port). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

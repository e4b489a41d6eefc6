import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, unknown>;
}

export interface HttpRoutes {
  /** DB and Redis reachable (with timeouts), heartbeats fresh. */
  readiness(): Promise<ReadinessReport>;
  /** Prometheus text format. */
  metrics(): Promise<string>;
  /** The bot face's webhook handler, mounted at `path` (it checks the secret header before parsing). */
  webhook?: { path: string; handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void };
}

/** /healthz (process alive), /readyz (dependencies reachable), /metrics, optional webhook. */
export function createHttpServer(routes: HttpRoutes, log: Logger): Server {
  const started = Date.now();
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    void (async () => {
      try {
        if (routes.webhook && path === routes.webhook.path && req.method === 'POST') {
          await routes.webhook.handler(req, res);
          return;
        }
        if (req.method !== 'GET') return send(405, JSON.stringify({ error: 'method not allowed' }));
        switch (path) {
          case '/healthz':
            return send(200, JSON.stringify({ status: 'ok', pid: process.pid, uptimeSeconds: Math.round((Date.now() - started) / 1000) }));
          case '/readyz': {
            const r = await routes.readiness();
            return send(r.ready ? 200 : 503, JSON.stringify({ status: r.ready ? 'ready' : 'not ready', ...r.checks }));
          }
          case '/metrics':
            return send(200, await routes.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
          default:
            return send(404, JSON.stringify({ error: 'not found', try: ['/healthz', '/readyz', '/metrics'] }));
        }
      } catch (err) {
        log.error({ err, path }, 'http handler failed');
        if (!res.headersSent) send(500, JSON.stringify({ error: 'internal error' }));
        else res.end();
      }
    })();
  });
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

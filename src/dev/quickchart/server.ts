/**
 * A small QuickChart-compatible HTTP server for tests and offline demos.
 *
 * Speaks the parts of the QuickChart API the bot uses — `POST /chart` (JSON
 * body), `GET /chart?c=…` and `GET /healthcheck` — and draws with the same
 * Chart.js path as the local renderer, so the QuickChart adapter can be
 * exercised for real without anything leaving the machine.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChartRenderError } from '../../adapters/charts/errors.js';
import { renderChartJsConfig } from '../../adapters/charts/chartjs-runtime.js';
import { ChartRequestError, paramsFromQuery, parseChartRequest } from './params.js';

export interface QuickChartEmulatorOptions {
  /** Default 127.0.0.1: the emulator is for this machine only. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  /** Largest accepted POST body; default 2 MiB (a 2,000-bar config is ~200 KiB). */
  readonly maxBodyBytes?: number;
}

export interface QuickChartEmulator {
  /** Base URL to use as QUICKCHART_URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 2 * 1024 * 1024;

export async function startQuickChartEmulator(options: QuickChartEmulatorOptions = {}): Promise<QuickChartEmulator> {
  const host = options.host ?? '127.0.0.1';
  const server = createQuickChartServer(options.maxBodyBytes ?? DEFAULT_MAX_BODY);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** The bare server, for callers that manage listening themselves. */
export function createQuickChartServer(maxBodyBytes: number = DEFAULT_MAX_BODY): Server {
  return createServer((req, res) => {
    handle(req, res, maxBodyBytes).catch((err: unknown) => {
      fail(res, 500, `emulator bug: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, maxBodyBytes: number): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  if (url.pathname === '/healthcheck' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    return;
  }
  if (url.pathname !== '/chart') return fail(res, 404, `no route ${url.pathname}; use /chart`);

  let raw: unknown;
  if (req.method === 'GET') {
    raw = paramsFromQuery(url.searchParams);
  } else if (req.method === 'POST') {
    const body = await readBody(req, maxBodyBytes);
    if (body === undefined) return fail(res, 413, `body larger than ${maxBodyBytes} bytes; send fewer points`);
    try {
      raw = JSON.parse(body.toString('utf8'));
    } catch {
      return fail(res, 400, 'body is not JSON; POST {"chart": ..., "width": ..., "height": ...}');
    }
  } else {
    return fail(res, 405, `method ${req.method} not allowed; use GET or POST`);
  }

  try {
    const r = parseChartRequest(raw);
    const png = await renderChartJsConfig(r.chart, r);
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length }).end(png);
  } catch (err) {
    if (err instanceof ChartRequestError || err instanceof ChartRenderError) return fail(res, 400, err.message);
    throw err;
  }
}

/** Resolves undefined once the body exceeds the limit (and stops buffering it). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** QuickChart reports errors in the `X-quickchart-error` header; header values must be one line of ASCII. */
function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const header = message.replace(/[^\x20-\x7e]/g, ' ').slice(0, 500);
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-quickchart-error': header }).end(`${message}\n`);
}

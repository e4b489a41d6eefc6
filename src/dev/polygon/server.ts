import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bar } from '../../engine/bars.js';
import { isIsoDate } from '../../lib/dates.js';
import { nyMidnightMs } from '../../engine/calendar/timezone.js';
import type { PolygonFault } from './faults.js';

export interface PolygonEmulatorOptions {
  /** The only key accepted (Bearer header or `apiKey` query parameter, like the real API). */
  apiKey: string;
  /** Adjusted bars per ticker (served when `adjusted=true`, the API default). */
  bars?: Record<string, Bar[]>;
  /** Unadjusted bars per ticker (served when `adjusted=false`); defaults to the adjusted ones. */
  rawBars?: Record<string, Bar[]>;
  /** Largest page the emulator returns regardless of `limit`, to exercise paging with few bars. Default 50 000. */
  pageSize?: number;
  /** Default 0: an ephemeral port. */
  port?: number;
}

/** A request as the emulator saw it; the key itself is never recorded. */
export interface PolygonRecordedRequest {
  path: string;
  query: Record<string, string>;
  auth: 'bearer' | 'query' | 'none';
  status: number;
}

export interface PolygonEmulator {
  /** Base URL, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  readonly requests: PolygonRecordedRequest[];
  setBars(ticker: string, adjusted: Bar[], raw?: Bar[]): void;
  injectFaults(...faults: PolygonFault[]): void;
  close(): Promise<void>;
}

interface Cursor {
  adjusted: boolean;
  sort: 'asc' | 'desc';
  limit: number;
}

const AGGS = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/(\d+)\/([a-z]+)\/([^/]+)\/([^/]+)$/;

/**
 * A local stand-in for Polygon's daily aggregates endpoint with the real
 * response shape, `next_url` paging (cursor in the query, key not included,
 * as Polygon does), API-key checks and scripted faults. For tests and
 * offline development only.
 */
export async function startPolygonEmulator(opts: PolygonEmulatorOptions): Promise<PolygonEmulator> {
  const adjusted = new Map<string, Bar[]>();
  const raw = new Map<string, Bar[]>();
  const setBars = (ticker: string, adj: Bar[], r?: Bar[]) => {
    adjusted.set(ticker.toUpperCase(), [...adj].sort(byDate));
    if (r) raw.set(ticker.toUpperCase(), [...r].sort(byDate));
  };
  for (const [t, b] of Object.entries(opts.bars ?? {})) setBars(t, b, opts.rawBars?.[t]);
  const faults: PolygonFault[] = [];
  const requests: PolygonRecordedRequest[] = [];
  const pageSize = opts.pageSize ?? 50_000;

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { status: 'ERROR', request_id: requestId(), error: 'emulator failure' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://emulator');
    const query = Object.fromEntries(u.searchParams);
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const given = bearer ?? query['apiKey'];
    delete query['apiKey'];
    const record = (status: number) =>
      requests.push({ path: u.pathname, query, auth: bearer !== undefined ? 'bearer' : given !== undefined ? 'query' : 'none', status });

    const fault = faults.shift();
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    else if (fault?.kind === 'rate_limit') {
      record(429);
      res.setHeader('retry-after', String(fault.retryAfterSeconds ?? 0));
      return send(res, 429, {
        status: 'ERROR',
        request_id: requestId(),
        error: "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue.",
      });
    } else if (fault?.kind === 'server_error') {
      record(fault.status ?? 500);
      return send(res, fault.status ?? 500, { status: 'ERROR', request_id: requestId(), error: 'Internal server error' });
    } else if (fault?.kind === 'garbage') {
      record(200);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
      return;
    }

    if (req.method !== 'GET') {
      record(405);
      return send(res, 405, { status: 'ERROR', request_id: requestId(), error: 'Method not allowed' });
    }
    if (given === undefined) {
      record(401);
      return send(res, 401, { status: 'ERROR', request_id: requestId(), error: 'API Key was not provided' });
    }
    if (given !== opts.apiKey) {
      record(401);
      return send(res, 401, { status: 'ERROR', request_id: requestId(), error: 'Unknown API Key' });
    }
    const m = AGGS.exec(u.pathname);
    if (!m) {
      record(404);
      return send(res, 404, { status: 'NOT_FOUND', request_id: requestId(), message: 'Data not found.' });
    }
    const ticker = decodeURIComponent(m[1]!).toUpperCase();
    if (m[2] !== '1' || m[3] !== 'day') {
      record(400);
      return send(res, 400, { status: 'ERROR', request_id: requestId(), error: 'emulator supports only range/1/day' });
    }
    const from = parseTime(m[4]!);
    const to = parseTime(m[5]!);
    if (from === undefined || to === undefined) {
      record(400);
      return send(res, 400, { status: 'ERROR', request_id: requestId(), error: "Could not parse the time parameter: 'from' or 'to'" });
    }

    let cursor: Cursor;
    if (query['cursor'] !== undefined) {
      const c = decodeCursor(query['cursor']);
      if (!c) {
        record(400);
        return send(res, 400, { status: 'ERROR', request_id: requestId(), error: 'Invalid cursor' });
      }
      cursor = c;
    } else {
      const limit = query['limit'] === undefined ? 5000 : Number(query['limit']);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50_000) {
        record(400);
        return send(res, 400, { status: 'ERROR', request_id: requestId(), error: 'limit must be between 1 and 50000' });
      }
      cursor = { adjusted: query['adjusted'] !== 'false', sort: query['sort'] === 'desc' ? 'desc' : 'asc', limit };
    }

    const source = (cursor.adjusted ? adjusted.get(ticker) : (raw.get(ticker) ?? adjusted.get(ticker))) ?? [];
    let rows = source
      .map((b) => ({ t: nyMidnightMs(b.date), b }))
      .filter((r) => r.t >= from.start && r.t <= to.end);
    if (cursor.sort === 'desc') rows = rows.reverse();
    const take = Math.min(cursor.limit, pageSize);
    const page = rows.slice(0, take);
    const rest = rows[take];

    const results = page.map(({ t, b }) => ({
      v: b.volume,
      vw: round4((b.high + b.low + b.close) / 3),
      o: b.open,
      c: b.close,
      h: b.high,
      l: b.low,
      t,
      n: Math.max(1, Math.round(b.volume / 100)),
    }));
    if (fault?.kind === 'bad_shape') for (const r of results) delete (r as Partial<typeof r>).c;

    const body: Record<string, unknown> = {
      ticker,
      queryCount: results.length,
      resultsCount: results.length,
      adjusted: cursor.adjusted,
      ...(results.length > 0 ? { results } : {}),
      status: 'OK',
      request_id: requestId(),
      count: results.length,
    };
    if (rest) {
      // Like Polygon: the next page restarts "from" the next bar's timestamp
      // and carries the remaining options in an opaque cursor; no API key.
      const [nextFrom, nextTo] = cursor.sort === 'asc' ? [String(rest.t), m[5]!] : [m[4]!, String(rest.t)];
      body['next_url'] =
        `${baseUrl()}/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/1/day/${nextFrom}/${nextTo}?cursor=${encodeCursor(cursor)}`;
    }
    record(200);
    send(res, 200, body);
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = () => `http://127.0.0.1:${port}`;

  return {
    url: baseUrl(),
    requests,
    setBars,
    injectFaults: (...f) => faults.push(...f),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A path time: `YYYY-MM-DD` (whole New York day) or Unix milliseconds. */
function parseTime(s: string): { start: number; end: number } | undefined {
  if (/^\d{10,}$/.test(s)) return { start: Number(s), end: Number(s) };
  if (!isIsoDate(s)) return undefined;
  return { start: nyMidnightMs(s), end: nyMidnightMs(s) };
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(`limit=${c.limit}&sort=${c.sort}&adjusted=${c.adjusted}`).toString('base64url');
}

function decodeCursor(s: string): Cursor | undefined {
  const q = new URLSearchParams(Buffer.from(s, 'base64url').toString('utf8'));
  const limit = Number(q.get('limit'));
  const sort = q.get('sort');
  if (!Number.isInteger(limit) || limit < 1 || (sort !== 'asc' && sort !== 'desc')) return undefined;
  return { limit, sort, adjusted: q.get('adjusted') !== 'false' };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function requestId(): string {
  return randomBytes(16).toString('hex');
}

function byDate(a: Bar, b: Bar): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

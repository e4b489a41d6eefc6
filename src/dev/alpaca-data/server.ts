import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bar } from '../../engine/bars.js';
import { isIsoDate } from '../../lib/dates.js';
import { nyMidnightMs } from '../../engine/calendar/timezone.js';
import type { AlpacaDataFault } from './faults.js';

export interface AlpacaEmulatorQuote {
  bid: number;
  ask: number;
  bidSize: number;
  askSize: number;
  /** RFC 3339; default the time of the request. */
  time?: string;
}

export interface AlpacaDataEmulatorOptions {
  keyId: string;
  secretKey: string;
  /** Bars served for `adjustment` split/dividend/all. */
  bars?: Record<string, Bar[]>;
  /** Bars served for `adjustment=raw` (the API default); defaults to `bars`. */
  rawBars?: Record<string, Bar[]>;
  quotes?: Record<string, AlpacaEmulatorQuote>;
  /** Largest page regardless of `limit`, to exercise paging with few bars. Default 10 000. */
  pageSize?: number;
  /** When false, `feed=sip` is refused with 403 as on the free plan. Default true. */
  sipAllowed?: boolean;
  port?: number;
}

/** A request as the emulator saw it; credentials are never recorded. */
export interface AlpacaRecordedRequest {
  path: string;
  query: Record<string, string>;
  /** Whether both key headers were present. */
  authHeaders: boolean;
  status: number;
}

export interface AlpacaDataEmulator {
  readonly url: string;
  readonly requests: AlpacaRecordedRequest[];
  setBars(symbol: string, adjusted: Bar[], raw?: Bar[]): void;
  setQuote(symbol: string, quote: AlpacaEmulatorQuote): void;
  injectFaults(...faults: AlpacaDataFault[]): void;
  close(): Promise<void>;
}

const BARS = /^\/v2\/stocks\/([^/]+)\/bars$/;
const LATEST_QUOTE = /^\/v2\/stocks\/([^/]+)\/quotes\/latest$/;

/**
 * A local stand-in for Alpaca Market Data v2 single-symbol bars and latest
 * quote, with the real response shapes, `next_page_token` paging, key-header
 * checks and scripted faults. Where the real API's exact wording is not
 * documented (error messages, unknown-symbol quotes) the emulator picks
 * plausible `{"message": ...}` bodies; clients must not depend on the text.
 */
export async function startAlpacaDataEmulator(opts: AlpacaDataEmulatorOptions): Promise<AlpacaDataEmulator> {
  const adjusted = new Map<string, Bar[]>();
  const raw = new Map<string, Bar[]>();
  const quotes = new Map<string, AlpacaEmulatorQuote>(Object.entries(opts.quotes ?? {}).map(([k, v]) => [k.toUpperCase(), v]));
  const setBars = (symbol: string, adj: Bar[], r?: Bar[]) => {
    adjusted.set(symbol.toUpperCase(), [...adj].sort(byDate));
    if (r) raw.set(symbol.toUpperCase(), [...r].sort(byDate));
  };
  for (const [s, b] of Object.entries(opts.bars ?? {})) setBars(s, b, opts.rawBars?.[s]);
  const faults: AlpacaDataFault[] = [];
  const requests: AlpacaRecordedRequest[] = [];
  const pageSize = opts.pageSize ?? 10_000;

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { message: 'internal server error' });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://emulator');
    const query = Object.fromEntries(u.searchParams);
    const keyId = header(req, 'apca-api-key-id');
    const secret = header(req, 'apca-api-secret-key');
    const record = (status: number) =>
      requests.push({ path: u.pathname, query, authHeaders: keyId !== undefined && secret !== undefined, status });
    const reply = (status: number, body: unknown) => {
      record(status);
      send(res, status, body);
    };

    const fault = faults.shift();
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    else if (fault?.kind === 'rate_limit') {
      if (fault.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(fault.retryAfterSeconds));
      res.setHeader('x-ratelimit-limit', '200');
      res.setHeader('x-ratelimit-remaining', '0');
      return reply(429, { message: 'too many requests.' });
    } else if (fault?.kind === 'server_error') {
      return reply(fault.status ?? 500, { message: 'internal server error' });
    } else if (fault?.kind === 'garbage') {
      record(200);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"bars":[{"t":"2024-01-02T05:00:00Z","o":1');
      return;
    }

    if (req.method !== 'GET') return reply(405, { message: 'method not allowed' });
    if (keyId === undefined || secret === undefined) return reply(401, { message: 'unauthorized.' });
    if (keyId !== opts.keyId || secret !== opts.secretKey) return reply(403, { message: 'forbidden.' });

    const feed = query['feed'] ?? 'sip';
    if (feed !== 'iex' && feed !== 'sip' && feed !== 'otc') return reply(422, { message: `invalid feed: ${feed}` });
    if (feed === 'sip' && opts.sipAllowed === false) {
      return reply(403, { message: 'subscription does not permit querying recent SIP data' });
    }

    const mq = LATEST_QUOTE.exec(u.pathname);
    if (mq) {
      const symbol = decodeURIComponent(mq[1]!).toUpperCase();
      const q = quotes.get(symbol) ?? quoteFromLastBar(adjusted.get(symbol));
      if (!q) return reply(404, { message: `no quote found for ${symbol}` });
      const quote: Record<string, unknown> = {
        t: q.time ?? new Date().toISOString(),
        ax: 'V',
        ap: q.ask,
        as: q.askSize,
        bx: 'V',
        bp: q.bid,
        bs: q.bidSize,
        c: ['R'],
        z: 'C',
      };
      if (fault?.kind === 'bad_shape') delete quote['ap'];
      return reply(200, { symbol, quote });
    }

    const mb = BARS.exec(u.pathname);
    if (!mb) return reply(404, { message: 'not found' });
    const symbol = decodeURIComponent(mb[1]!).toUpperCase();
    if (query['timeframe'] !== '1Day') return reply(422, { message: 'emulator supports only timeframe=1Day' });
    const start = parseTime(query['start'], 'start');
    const end = parseTime(query['end'], 'end');
    if (start === null || end === null) return reply(422, { message: 'invalid start or end: expected RFC-3339 or YYYY-MM-DD' });
    const adjustment = query['adjustment'] ?? 'raw';
    if (!['raw', 'split', 'dividend', 'all'].includes(adjustment)) return reply(422, { message: `invalid adjustment: ${adjustment}` });
    const limit = query['limit'] === undefined ? 1000 : Number(query['limit']);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) return reply(422, { message: 'invalid limit: must be between 1 and 10000' });

    const source = (adjustment === 'raw' ? (raw.get(symbol) ?? adjusted.get(symbol)) : adjusted.get(symbol)) ?? [];
    let rows = source
      .map((b) => ({ t: nyMidnightMs(b.date), b }))
      .filter((r) => (start === undefined || r.t >= start) && (end === undefined || r.t <= end));
    if (query['sort'] === 'desc') rows = rows.reverse();

    let offset = 0;
    if (query['page_token'] !== undefined && query['page_token'] !== '') {
      // The token names the first bar of the next page, so it stays valid
      // whatever page size the client asks for next.
      const t = Number(Buffer.from(query['page_token'], 'base64url').toString('utf8'));
      offset = rows.findIndex((r) => r.t === t);
      if (!Number.isFinite(t) || offset < 0) return reply(422, { message: 'invalid page token' });
    }
    const take = Math.min(limit, pageSize);
    const page = rows.slice(offset, offset + take);
    const next = rows[offset + take];
    const bars = page.map(({ t, b }) => {
      const bar: Record<string, unknown> = {
        t: new Date(t).toISOString().replace('.000Z', 'Z'),
        o: b.open,
        h: b.high,
        l: b.low,
        c: b.close,
        v: b.volume,
        n: Math.max(1, Math.round(b.volume / 100)),
        vw: Math.round(((b.high + b.low + b.close) / 3) * 10_000) / 10_000,
      };
      if (fault?.kind === 'bad_shape') delete bar['c'];
      return bar;
    });
    reply(200, {
      bars,
      symbol,
      next_page_token: next ? Buffer.from(String(next.t)).toString('base64url') : null,
    });
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setBars,
    setQuote: (symbol, q) => quotes.set(symbol.toUpperCase(), q),
    injectFaults: (...f) => faults.push(...f),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** RFC 3339 or `YYYY-MM-DD` (start of the New York day for `start`, its end for `end`); undefined when absent, null when invalid. */
function parseTime(s: string | undefined, which: 'start' | 'end'): number | undefined | null {
  if (s === undefined || s === '') return undefined;
  if (isIsoDate(s)) return which === 'start' ? nyMidnightMs(s) : nyMidnightMs(s) + 86_399_999;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : t;
}

function quoteFromLastBar(bars: Bar[] | undefined): AlpacaEmulatorQuote | undefined {
  const last = bars?.[bars.length - 1];
  if (!last) return undefined;
  return { bid: Math.round((last.close - 0.01) * 100) / 100, ask: Math.round((last.close + 0.01) * 100) / 100, bidSize: 2, askSize: 3 };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function byDate(a: Bar, b: Bar): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : 0;
}

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readRequestText, requestHeader } from '../../lib/http-request.js';
import { PendingTimers } from '../../lib/pending-timers.js';
import { Book } from './book.js';
import type { KisContext } from './context.js';
import type { KisFault } from './faults.js';
import { kstInstant, kstParts } from './kst.js';
import { askingPrice, currentPrice, dailyChart } from './quotations.js';
import { TokenStore } from './tokens.js';
import { balance, cancelOrder, dailyOrders, orderCash } from './trading.js';
import type { KisCounters, KisEmulator, KisEmulatorOptions, KisPlantedOrder } from './types.js';
import { KisReply, PATHS, REFUSALS, TR, trFor } from './wire.js';

export type * from './types.js';
export type { KisFault, KisFaultSpec } from './faults.js';

/** A handler for one TR ID at one path. */
type Handler = (req: { raw: string; query: Record<string, string>; trCont: string }) => KisReply;

interface Route {
  method: 'GET' | 'POST';
  /** TR ID (as the configured server expects it) → handler. */
  tr: Map<string, Handler>;
  /** Order POSTs: checked against the `hashkey` header. */
  hashed: boolean;
}

/**
 * A local stand-in for the KIS Open API (domestic stock) that speaks its
 * wire format: OAuth token (24 h, one issuing request a minute, the same
 * token within 6 h), hashkey, TR IDs per server, the per-second limit
 * (EGW00201), cash orders and cancels against planted quotes with the KRX
 * session's auctions, the daily-orders listing with tr_cont paging, balance,
 * current price, asking price and daily prices. README.md cites the source
 * of every rule and marks the guesses.
 */
export async function startKisEmulator(opts: KisEmulatorOptions): Promise<KisEmulator> {
  const server = opts.server ?? 'real';
  const [cano, prdt] = (opts.account ?? '12345678-01').split('-');
  if (!/^\d{8}$/.test(cano ?? '') || !/^\d{2}$/.test(prdt ?? '')) {
    throw new Error(`account must be "CANO-ACNT_PRDT_CD" (8 and 2 digits), e.g. 12345678-01; got ${opts.account}`);
  }
  const baseNow = opts.now ?? Date.now;
  let fixedAt: number | undefined;
  let shift = 0;
  const now = () => (fixedAt ?? baseNow()) + shift;
  let maxRps = opts.maxRps ?? (server === 'real' ? 18 : 1);
  const requireHashkey = opts.requireHashkey ?? true;

  const counters: KisCounters = { tokenCalls: 0, tokensIssued: 0, tokenRefusals: 0, rateLimited: 0, ordersReceived: 0, requests: 0 };
  const quotes = new Map(Object.entries(opts.quotes ?? {}).map(([k, v]) => [k, { ...v }]));
  const ctx: KisContext = {
    server,
    cano: cano!,
    prdt: prdt!,
    book: new Book(opts.cash ?? 10_000_000, quotes),
    quotes,
    bars: new Map(Object.entries(opts.bars ?? {})),
    now,
    alwaysOpen: opts.alwaysOpen ?? false,
    closedDays: new Set((opts.closedDays ?? []).map((d) => d.replaceAll('-', ''))),
    pageSize: opts.pageSize ?? (server === 'real' ? 100 : 15),
    chartRowLimit: opts.chartRowLimit ?? 100,
    counters,
  };
  const tokens = new TokenStore(opts.appKey, opts.appSecret, counters);
  const faults: { fault: KisFault; left: number }[] = [];
  const windows = new Map<string, { second: number; count: number }>();
  const timers = new PendingTimers();

  const tr = (realTr: string) => trFor(server, realTr);
  const routes = new Map<string, Route>([
    [
      PATHS.orderCash,
      {
        method: 'POST',
        hashed: true,
        tr: new Map<string, Handler>([
          [tr(TR.buy), ({ raw }) => orderCash(ctx, 'buy', raw)],
          [tr(TR.sell), ({ raw }) => orderCash(ctx, 'sell', raw)],
        ]),
      },
    ],
    [PATHS.rvsecncl, { method: 'POST', hashed: true, tr: new Map<string, Handler>([[tr(TR.rvsecncl), ({ raw }) => cancelOrder(ctx, raw)]]) }],
    [PATHS.dailyCcld, { method: 'GET', hashed: false, tr: new Map<string, Handler>([[tr(TR.dailyCcld), ({ query, trCont }) => dailyOrders(ctx, query, trCont)]]) }],
    [PATHS.balance, { method: 'GET', hashed: false, tr: new Map<string, Handler>([[tr(TR.balance), ({ query, trCont }) => balance(ctx, query, trCont)]]) }],
    [PATHS.price, { method: 'GET', hashed: false, tr: new Map<string, Handler>([[TR.price, ({ query }) => currentPrice(ctx, query)]]) }],
    [PATHS.askingPrice, { method: 'GET', hashed: false, tr: new Map<string, Handler>([[TR.askingPrice, ({ query }) => askingPrice(ctx, query)]]) }],
    [PATHS.dailyChart, { method: 'GET', hashed: false, tr: new Map<string, Handler>([[TR.dailyChart, ({ query }) => dailyChart(ctx, query)]]) }],
  ]);


  function takeFault(path: string, trId: string | undefined): KisFault | undefined {
    const i = faults.findIndex(({ fault: f }) => (f.path === undefined || f.path === path) && (f.trId === undefined || f.trId === trId));
    if (i < 0) return undefined;
    const entry = faults[i]!;
    entry.left--;
    if (entry.left <= 0) faults.splice(i, 1);
    return entry.fault;
  }

  /** Fixed one-second windows of the emulator clock, per app key; a refused request does not count. */
  function overLimit(appKey: string): boolean {
    const second = Math.floor(now() / 1000);
    const w = windows.get(appKey);
    if (!w || w.second !== second) {
      windows.set(appKey, { second, count: 1 });
      return false;
    }
    if (w.count >= maxRps) return true;
    w.count++;
    return false;
  }

  function respond(req: IncomingMessage, path: string, query: Record<string, string>, raw: string): KisReply {
    const method = req.method ?? 'GET';
    if (path === PATHS.token) return method === 'POST' ? tokens.request(raw, now()) : REFUSALS.notFound();
    if (requestHeader(req, 'appkey') !== opts.appKey || requestHeader(req, 'appsecret') !== opts.appSecret) return REFUSALS.invalidAppKey();
    if (path === PATHS.hashkey) {
      if (method !== 'POST') return REFUSALS.notFound();
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        return REFUSALS.badField('BODY');
      }
      return new KisReply(200, { BODY: parsed, HASH: hashOf(raw) });
    }
    const route = routes.get(path);
    if (!route || route.method !== method) return REFUSALS.notFound();
    const denied = tokens.check(requestHeader(req, 'authorization'), now());
    if (denied) return denied;
    const handler = route.tr.get(requestHeader(req, 'tr_id') ?? '');
    if (!handler) return REFUSALS.unknownTrId();
    if (route.hashed && requireHashkey && requestHeader(req, 'hashkey') !== hashOf(raw)) return REFUSALS.hashkey();
    return handler({ raw, query, trCont: requestHeader(req, 'tr_cont') ?? '' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    counters.requests++;
    const u = new URL(req.url ?? '/', 'http://emulator');
    const path = u.pathname;
    const query = Object.fromEntries(u.searchParams);
    const raw = await readRequestText(req);
    const trId = requestHeader(req, 'tr_id');
    const answer = (r: KisReply) => send(res, r, trId);

    if (path.startsWith('/uapi/') && overLimit(requestHeader(req, 'appkey') ?? '')) {
      counters.rateLimited++;
      return answer(REFUSALS.rateLimited());
    }
    const fault = takeFault(path, trId);
    if (fault?.kind === 'delay') await new Promise<void>((r) => timers.later(fault.ms, r));
    if (fault?.kind === 'rate_limit') return answer(REFUSALS.rateLimited());
    if (fault?.kind === 'server_error' && !fault.processed) return answer(REFUSALS.serverError(fault.status));

    const reply = respond(req, path, query, raw);
    switch (fault?.kind) {
      case 'server_error':
        return answer(REFUSALS.serverError(fault.status));
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"rt_cd":"0","msg_cd":"APBK0013","output":{"ODNO":"00');
        return;
      case 'accept_then_timeout':
        if (fault.respondAfterMs !== undefined) timers.later(fault.respondAfterMs, () => !res.destroyed && answer(reply));
        // Otherwise never answered; close() destroys the connection.
        return;
      case 'accept_then_drop':
        req.socket.destroy();
        return;
      default:
        return answer(reply);
    }
  }

  const http = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) send(res, REFUSALS.serverError(), undefined);
    });
  });
  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;

  const plant = (source: 'planted' | 'manual') => (p: KisPlantedOrder) => {
    const t = kstParts(p.at ?? now());
    const o = ctx.book.add({ source, pdno: p.pdno, side: p.side, ordDvsn: p.ordDvsn ?? '00', qty: p.qty, price: p.price, origOdno: '', isCancel: false, ordDt: t.date, ordTmd: t.time });
    if (p.filledQty) ctx.book.fill(o, p.filledQty, p.price || (quotes.get(p.pdno)?.price ?? 0));
    if (p.status === 'cancelled') o.cancelledQty += ctx.book.remaining(o);
    return o.odno;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    setClock: (ms) => {
      fixedAt = ms;
      shift = 0;
    },
    advanceClock: (ms) => {
      shift += ms;
    },
    now,
    setQuote: (pdno, q) => void quotes.set(pdno, { ...q }),
    setBars: (pdno, bars) => void ctx.bars.set(pdno, [...bars]),
    setCash: (krw) => {
      ctx.book.cash = krw;
    },
    setPosition: (pdno, qty, avg) => {
      if (qty === 0) ctx.book.positions.delete(pdno);
      else ctx.book.positions.set(pdno, { qty, avg });
    },
    setMaxRps: (n) => {
      maxRps = n;
    },
    plantOrder: plant('planted'),
    plantManualOrder: plant('manual'),
    fill: (odno, qty, price) => {
      const o = ctx.book.get(odno);
      if (!o || o.isCancel) throw new Error(`no order ${odno} at the KIS emulator; plant or place one first`);
      const left = ctx.book.remaining(o);
      const n = qty ?? left;
      if (n <= 0 || n > left) throw new Error(`order ${odno} has ${left} shares left; cannot fill ${n}`);
      const px = price ?? (o.price > 0 ? o.price : (quotes.get(o.pdno)?.[o.side === 'buy' ? 'ask' : 'bid'] ?? 0));
      ctx.book.fill(o, n, px);
    },
    orders: () => ctx.book.orders.map((o) => ctx.book.view(o)),
    counters: () => ({ ...counters }),
    injectFaults: (...f) => void faults.push(...f.map((fault) => ({ fault, left: fault.count ?? 1 }))),
    pendingFaults: () => faults.map(({ fault, left }) => ({ ...fault, count: left })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        timers.clear();
        http.close((e) => (e ? reject(e) : resolve()));
        http.closeAllConnections();
      }),
  };
}

/** The emulator's hashkey: SHA-256 hex of the exact body bytes (README "Hashkey"). */
export function hashOf(raw: string): string {
  return createHash('sha256').update(raw, 'utf8').digest('hex');
}

/** The instant of a Seoul wall-clock time, for tests: `seoul('2026-03-02', '10:00')`. */
export const seoul = kstInstant;

function send(res: ServerResponse, r: KisReply, trId: string | undefined): void {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    gt_uid: randomBytes(16).toString('hex'),
    tr_cont: '',
    ...(trId === undefined ? {} : { tr_id: trId }),
    ...r.headers,
  };
  res.writeHead(r.status, headers);
  res.end(JSON.stringify(r.body));
}

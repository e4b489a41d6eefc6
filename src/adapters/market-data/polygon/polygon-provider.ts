import type { Logger } from 'pino';
import type { Bar } from '../../../engine/bars.js';
import { nyDateOf } from '../../../engine/calendar/timezone.js';
import { DataProviderError } from '../errors.js';
import { describeZodError } from '../http/describe-zod.js';
import { redact } from '../http/redact.js';
import { withBarCache } from '../cache.js';
import { DEFAULT_RETRY_POLICY, getJsonWithRetry, type HttpProviderOptions, type RetryPolicy } from '../http/retry.js';
import type { BarCache, DateRange, MarketDataProvider } from '../port.js';
import { checkRange, checkSymbol } from '../validate.js';
import { PolygonAggsResponse, polygonErrorText } from './polygon-schema.js';

export interface PolygonProviderOptions extends HttpProviderOptions {
  apiKey: string;
  /** Default `https://api.polygon.io`; point at the emulator in tests. */
  baseUrl?: string;
}

const NAME = 'polygon';
const AUTH_HINT = 'check POLYGON_API_KEY (sent as a Bearer token); a 403 can also mean your plan does not include this data';
/** Polygon's maximum page size for aggregates. */
const PAGE_LIMIT = 50_000;
/** Ten years of daily bars fit on one page; a long chain of pages means the cursor loops. */
const MAX_PAGES = 100;

/**
 * Daily, split- and dividend-adjusted bars from Polygon.io
 * (`/v2/aggs/ticker/{ticker}/range/1/day/{from}/{to}`).
 *
 * The key goes in the `Authorization: Bearer` header, never the query string,
 * so it cannot leak through logged or thrown URLs. Pages are followed through
 * `next_url`, only on the same origin as `baseUrl` (the header is re-sent).
 */
export class PolygonProvider implements MarketDataProvider {
  readonly name = NAME;
  readonly demo = false;
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly origin: string;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly logger: Logger | undefined;
  private readonly policy: RetryPolicy;
  private readonly cache: BarCache | undefined;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;
  private readonly random: (() => number) | undefined;

  constructor(opts: PolygonProviderOptions) {
    if (!opts.apiKey || opts.apiKey.trim() === '') {
      throw new DataProviderError({ provider: NAME, kind: 'auth', detail: 'no API key configured', hint: 'set POLYGON_API_KEY' });
    }
    this.apiKey = opts.apiKey.trim();
    this.baseUrl = (opts.baseUrl ?? 'https://api.polygon.io').replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.logger = opts.logger;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry, ...(opts.maxRetries === undefined ? {} : { maxRetries: opts.maxRetries }) };
    this.cache = opts.cache;
    this.sleep = opts.sleep;
    this.random = opts.random;
  }

  async dailyBars(symbol: string, range: DateRange): Promise<Bar[]> {
    const ticker = checkSymbol(NAME, symbol).toUpperCase();
    checkRange(NAME, range);
    const key = `polygon:day:adjusted:${ticker}:${range.from}:${range.to}`;
    return withBarCache(this.cache, key, { logger: this.logger, provider: NAME }, () => this.fetchBars(ticker, range));
  }

  private async fetchBars(ticker: string, range: DateRange): Promise<Bar[]> {
    const bars: Bar[] = [];
    let url: string | undefined =
      `${this.baseUrl}/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/1/day/${range.from}/${range.to}` +
      `?adjusted=true&sort=asc&limit=${PAGE_LIMIT}`;
    for (let page = 0; url !== undefined; page++) {
      if (page >= MAX_PAGES) throw this.badResponse(`more than ${MAX_PAGES} pages for ${ticker}; the next_url cursor does not end`);
      const body = await getJsonWithRetry({
        provider: NAME,
        url,
        headers: { authorization: `Bearer ${this.apiKey}` },
        fetch: this.fetchFn,
        policy: this.policy,
        secrets: [this.apiKey],
        authHint: AUTH_HINT,
        logger: this.logger,
        sleep: this.sleep,
        random: this.random,
        errorText: polygonErrorText,
      });
      const parsed = PolygonAggsResponse.safeParse(body);
      if (!parsed.success) throw this.badResponse(`unexpected aggregates response for ${ticker}: ${describeZodError(parsed.error)}`);
      const r = parsed.data;
      if (r.status !== 'OK' && r.status !== 'DELAYED') {
        throw this.badResponse(`aggregates response for ${ticker} has status ${JSON.stringify(r.status.slice(0, 40))}${polygonErrorText(body) ? `: ${polygonErrorText(body)!.slice(0, 200)}` : ''}`);
      }
      for (const a of r.results ?? []) {
        const date = nyDateOf(a.t);
        // Polygon stamps daily bars at New York midnight of the session; drop
        // anything outside the asked range rather than trust the server's edges.
        if (date < range.from || date > range.to) continue;
        const prev = bars[bars.length - 1];
        if (prev && date <= prev.date) {
          throw this.badResponse(`bars for ${ticker} are not in ascending date order (${date} after ${prev.date})`);
        }
        bars.push({ date, open: a.o, high: a.h, low: a.l, close: a.c, volume: a.v });
      }
      url = r.next_url === undefined || r.next_url === '' ? undefined : this.checkNextUrl(r.next_url);
    }
    return bars;
  }

  /** Refuses to send the key anywhere but our own API origin. */
  private checkNextUrl(next: string): string {
    let u: URL;
    try {
      u = new URL(next, this.baseUrl);
    } catch {
      throw this.badResponse('next_url is not a URL');
    }
    if (u.origin !== this.origin) {
      throw this.badResponse(`next_url points at ${u.origin}, not ${this.origin}; not following it with our API key`);
    }
    return u.toString();
  }

  private badResponse(detail: string): DataProviderError {
    return new DataProviderError({ provider: NAME, kind: 'bad_response', detail: redact(detail, [this.apiKey]) });
  }
}

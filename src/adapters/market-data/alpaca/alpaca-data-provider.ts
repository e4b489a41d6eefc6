import type { Logger } from 'pino';
import type { Bar } from '../../../engine/bars.js';
import { withBarCache } from '../cache.js';
import { nyDateOf } from '../../../engine/calendar/timezone.js';
import { DataProviderError } from '../errors.js';
import { describeZodError } from '../http/describe-zod.js';
import { redact } from '../http/redact.js';
import { DEFAULT_RETRY_POLICY, getJsonWithRetry, type HttpProviderOptions, type RetryPolicy } from '../http/retry.js';
import type { BarCache, DateRange, MarketDataProvider, Quote, QuoteProvider } from '../port.js';
import { checkRange, checkSymbol } from '../validate.js';
import { AlpacaBarsResponse, AlpacaLatestQuoteResponse, alpacaErrorText } from './alpaca-schema.js';

export type AlpacaFeed = 'iex' | 'sip';

export interface AlpacaDataProviderOptions extends HttpProviderOptions {
  keyId: string;
  secretKey: string;
  /** Default `https://data.alpaca.markets`; point at the emulator in tests. */
  baseUrl?: string;
  /** `iex` works on the free plan; `sip` (all US exchanges) needs a paid subscription. Default `iex`. */
  feed?: AlpacaFeed;
}

const NAME = 'alpaca';
const AUTH_HINT =
  'check APCA_API_KEY_ID and APCA_API_SECRET_KEY; a 403 can also mean the feed is not in your subscription (use feed "iex" on the free plan)';
/** Alpaca's maximum page size. */
const PAGE_LIMIT = 10_000;
const MAX_PAGES = 100;

/**
 * Daily bars (all corporate-action adjustments applied) and latest quotes from
 * Alpaca Market Data v2. Keys travel only in the `APCA-API-KEY-ID` /
 * `APCA-API-SECRET-KEY` headers; pages are followed with `page_token`.
 */
export class AlpacaDataProvider implements MarketDataProvider, QuoteProvider {
  readonly name = NAME;
  readonly demo = false;
  readonly feed: AlpacaFeed;
  private readonly headers: Record<string, string>;
  private readonly secrets: string[];
  private readonly baseUrl: string;
  private readonly fetchFn: typeof globalThis.fetch;
  private readonly logger: Logger | undefined;
  private readonly policy: RetryPolicy;
  private readonly cache: BarCache | undefined;
  private readonly sleep: ((ms: number) => Promise<void>) | undefined;
  private readonly random: (() => number) | undefined;

  constructor(opts: AlpacaDataProviderOptions) {
    const keyId = opts.keyId?.trim() ?? '';
    const secretKey = opts.secretKey?.trim() ?? '';
    if (keyId === '' || secretKey === '') {
      throw new DataProviderError({
        provider: NAME,
        kind: 'auth',
        detail: `no ${keyId === '' ? 'key id' : 'secret key'} configured`,
        hint: 'set APCA_API_KEY_ID and APCA_API_SECRET_KEY',
      });
    }
    this.headers = { 'APCA-API-KEY-ID': keyId, 'APCA-API-SECRET-KEY': secretKey };
    // The key id is less sensitive than the secret, but together they are a
    // credential; keep both out of messages.
    this.secrets = [secretKey, keyId];
    this.baseUrl = (opts.baseUrl ?? 'https://data.alpaca.markets').replace(/\/+$/, '');
    this.feed = opts.feed ?? 'iex';
    this.fetchFn = opts.fetch ?? globalThis.fetch;
    this.logger = opts.logger;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry, ...(opts.maxRetries === undefined ? {} : { maxRetries: opts.maxRetries }) };
    this.cache = opts.cache;
    this.sleep = opts.sleep;
    this.random = opts.random;
  }

  async dailyBars(symbol: string, range: DateRange): Promise<Bar[]> {
    const sym = checkSymbol(NAME, symbol).toUpperCase();
    checkRange(NAME, range);
    const key = `alpaca:${this.feed}:day:all:${sym}:${range.from}:${range.to}`;
    return withBarCache(this.cache, key, { logger: this.logger, provider: NAME }, () => this.fetchBars(sym, range));
  }

  async latestQuote(symbol: string): Promise<Quote> {
    const sym = checkSymbol(NAME, symbol).toUpperCase();
    const body = await this.get(`/v2/stocks/${encodeURIComponent(sym)}/quotes/latest?feed=${this.feed}`);
    const parsed = AlpacaLatestQuoteResponse.safeParse(body);
    if (!parsed.success) throw this.badResponse(`unexpected latest-quote response for ${sym}: ${describeZodError(parsed.error)}`);
    const q = parsed.data.quote;
    return { symbol: parsed.data.symbol, bid: q.bp, ask: q.ap, bidSize: q.bs, askSize: q.as, time: q.t };
  }

  private async fetchBars(sym: string, range: DateRange): Promise<Bar[]> {
    // Daily bars are stamped at New York midnight (04:00/05:00Z), so a UTC
    // day window around each end includes exactly the sessions from..to.
    const base =
      `/v2/stocks/${encodeURIComponent(sym)}/bars?timeframe=1Day` +
      `&start=${range.from}T00:00:00Z&end=${range.to}T23:59:59Z` +
      `&adjustment=all&feed=${this.feed}&limit=${PAGE_LIMIT}`;
    const bars: Bar[] = [];
    let token: string | undefined;
    const seen = new Set<string>();
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw this.badResponse(`more than ${MAX_PAGES} pages for ${sym}; next_page_token does not end`);
      const body = await this.get(token === undefined ? base : `${base}&page_token=${encodeURIComponent(token)}`);
      const parsed = AlpacaBarsResponse.safeParse(body);
      if (!parsed.success) throw this.badResponse(`unexpected bars response for ${sym}: ${describeZodError(parsed.error)}`);
      for (const b of parsed.data.bars ?? []) {
        const ms = Date.parse(b.t);
        if (Number.isNaN(ms)) throw this.badResponse(`bar time ${JSON.stringify(b.t.slice(0, 40))} for ${sym} is not RFC 3339`);
        const date = nyDateOf(ms);
        if (date < range.from || date > range.to) continue;
        const prev = bars[bars.length - 1];
        if (prev && date <= prev.date) throw this.badResponse(`bars for ${sym} are not in ascending date order (${date} after ${prev.date})`);
        bars.push({ date, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v });
      }
      const next = parsed.data.next_page_token;
      if (next === null || next === undefined || next === '') return bars;
      if (seen.has(next)) throw this.badResponse(`next_page_token repeated for ${sym}; paging would loop`);
      seen.add(next);
      token = next;
    }
  }

  private get(pathAndQuery: string): Promise<unknown> {
    return getJsonWithRetry({
      provider: NAME,
      url: `${this.baseUrl}${pathAndQuery}`,
      headers: this.headers,
      fetch: this.fetchFn,
      policy: this.policy,
      secrets: this.secrets,
      authHint: AUTH_HINT,
      logger: this.logger,
      sleep: this.sleep,
      random: this.random,
      errorText: alpacaErrorText,
    });
  }

  private badResponse(detail: string): DataProviderError {
    return new DataProviderError({ provider: NAME, kind: 'bad_response', detail: redact(detail, this.secrets) });
  }
}

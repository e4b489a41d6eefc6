import type { Logger } from 'pino';
import type { Bar } from '../../../engine/bars.js';
import { isSession as krxIsSession } from '../../../engine/calendar/krx/index.js';
import type { KisConnection } from '../../brokers/kis/connection.js';
import { krxCalendarHours } from '../../brokers/kis/krx-defaults.js';
import { kstParts, type KrxHoursOf } from '../../brokers/kis/session.js';
import { KIS_PATHS, trId } from '../../brokers/kis/tr-ids.js';
import { withBarCache } from '../cache.js';
import { DataProviderError } from '../errors.js';
import { describeZodError } from '../http/describe-zod.js';
import type { BarCache, DateRange, MarketDataProvider } from '../port.js';
import { checkRange } from '../validate.js';
import { KisChartAnswer, KisChartRow } from './kis-chart-schema.js';
import { KIS_DATA_NAME, krxCodeOf, toDataError } from './kis-common.js';

const NAME = KIS_DATA_NAME;
/** How messages name this data. */
const WHAT = 'KIS daily prices';
/** KIS answers at most 100 daily rows a call (inquire_daily_itemchartprice.py: "한 번의 호출에 최대 100건"). */
export const KIS_CHART_ROW_LIMIT = 100;
/** 50 years of sessions at 100 rows a page; more means the paging does not move back. */
const MAX_PAGES = 200;
/** "조회할 자료가 없습니다": nothing in the range (or no such code). */
const NO_DATA_CODES = ['40310000'] as const;
/** The engine's KRX calendar starts in 2000. */
const FIRST_DATE = '2000-01-01';

/**
 * Which KIS series: `adjusted` is 수정주가 (FID_ORG_ADJ_PRC=0), `original`
 * 원주가 (1), the prices as traded.
 */
export type KisPriceSeries = 'adjusted' | 'original';

/**
 * What the bars include. `price_only`: prices, no cash distributions
 * reinvested; never total return. Messages show it next to the provider,
 * e.g. `kis (adjusted, price only — not total return)`; see {@link describeKisBars}.
 */
export type BarAdjustment = 'price_only';

export interface KisDataProviderOptions {
  /** The broker's connection: the same token, request rate and HTTP layer. */
  connection: KisConnection;
  /** Default `adjusted` (splits and capital changes taken out of the history). */
  prices?: KisPriceSeries;
  /** KRX session dates; default the engine's KRX calendar (the app may pass one with its overrides). */
  isSession?: (date: string) => boolean;
  cache?: BarCache;
  logger?: Logger;
  /** KRX hours of a KST date, for when today's row is final; default the engine's KRX calendar. */
  hoursOf?: KrxHoursOf;
}

/**
 * Daily bars of KRX codes from KIS (국내주식기간별시세, FHKST03010100), on
 * the broker's connection: the one shared token (no second tokenP path), the
 * account's request rate, the HTTP layer's retries (p-retry: EGW00201, 5xx,
 * network; token refusals replace the token once).
 *
 * KIS returns at most 100 rows a call, newest first, for [DATE_1, DATE_2];
 * the provider moves DATE_2 to the day before the oldest row until the range
 * is covered (the oldest row reaches `from`, or a page is short or empty).
 *
 * Today's row is left out until KRX closes (the calendar's close, KST, on
 * the connection's clock): before then it is a partial bar, and a range
 * that includes today is then not cached either.
 *
 * Bars: whole KRW, oldest first, one per date, only on KRX sessions. A row
 * on a date the calendar says is closed is `bad_response`, not dropped: bars
 * are aligned to the calendar downstream, so either the data or the calendar
 * is wrong and someone must look (a real extra session goes into the calendar
 * overrides). A row without trades (open/high/low 0, e.g. a halted day) is
 * skipped and logged; the quality check reports the gap.
 *
 * Adjustment: KIS documents FID_ORG_ADJ_PRC only as "0:수정주가 1:원주가"
 * and does not list the events it adjusts for. 수정주가 takes splits and
 * capital changes out of the history; whether ETF cash distributions are in
 * it is not documented by KIS (third-party reports say Korean HTS/Naver
 * charts back-adjust ETFs at each 분배락, see README.md). The bars are
 * therefore labelled `price_only`: never presented as total return.
 */
export class KisDataProvider implements MarketDataProvider {
  readonly name = NAME;
  readonly demo = false;
  /** Prices only, no distributions claimed (see the class comment). */
  readonly adjustment: BarAdjustment = 'price_only';
  readonly prices: KisPriceSeries;
  private readonly c: KisConnection;
  private readonly isSession: (date: string) => boolean;
  private readonly cache: BarCache | undefined;
  private readonly logger: Logger | undefined;
  private readonly hoursOf: KrxHoursOf;

  constructor(o: KisDataProviderOptions) {
    this.hoursOf = o.hoursOf ?? krxCalendarHours;
    this.c = o.connection;
    this.prices = o.prices ?? 'adjusted';
    this.isSession = o.isSession ?? krxIsSession;
    this.cache = o.cache;
    this.logger = (o.logger ?? o.connection.logger)?.child({ provider: NAME });
  }

  async dailyBars(symbol: string, range: DateRange): Promise<Bar[]> {
    const code = krxCodeOf(symbol, WHAT);
    checkRange(NAME, range);
    if (range.from < FIRST_DATE) {
      throw new DataProviderError({ provider: NAME, kind: 'bad_request', detail: `range.from ${range.from} is before ${FIRST_DATE}, where the KRX calendar starts`, hint: `ask for dates from ${FIRST_DATE} on` });
    }
    const today = this.openToday();
    if (today !== null && range.from <= today && today <= range.to) {
      // Today's row is still moving until the close: left out, and the range is not cached (it would keep the gap).
      return (await this.fetchBars(code, range)).filter((b) => b.date !== today);
    }
    const key = `kis:day:${this.prices}:${code}:${range.from}:${range.to}`;
    return withBarCache(this.cache, key, { logger: this.logger, provider: NAME }, () => this.fetchBars(code, range));
  }

  /**
   * Today's KST date (`YYYY-MM-DD`) while KRX has not closed yet today (a
   * session day, before its close on the calendar: the row KIS shows for it
   * is partial); null otherwise. On the connection's business clock.
   */
  private openToday(): string | null {
    const { date, minute } = kstParts(this.c.now());
    const h = this.hoursOf(date);
    return h !== null && minute < h.closeMin ? date : null;
  }

  private async fetchBars(code: string, range: DateRange): Promise<Bar[]> {
    const from = compact(range.from);
    let to = compact(range.to);
    const byDate = new Map<string, Bar>();
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) throw this.bad(`more than ${MAX_PAGES} pages of daily prices for ${code}; the paging does not end`);
      const rows = await this.page(code, from, to);
      if (rows.length === 0) break;
      let oldest = to;
      for (const r of rows) {
        if (r.stck_bsop_date === '') continue;
        if (!/^\d{8}$/.test(r.stck_bsop_date)) throw this.bad(`daily row for ${code} has the date ${JSON.stringify(r.stck_bsop_date.slice(0, 12))}, not YYYYMMDD`);
        if (r.stck_bsop_date < oldest) oldest = r.stck_bsop_date;
        // Rows outside the asked range are not trusted to be ours.
        if (r.stck_bsop_date < from || r.stck_bsop_date > to) continue;
        const bar = this.barOf(code, r);
        if (bar) this.add(code, byDate, bar);
      }
      if (oldest <= from || rows.length < KIS_CHART_ROW_LIMIT) break;
      const next = dayBefore(oldest);
      if (next >= to) throw this.bad(`daily prices for ${code} did not move back past ${iso(to)}`);
      to = next;
    }
    return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  }

  /** One call: the rows KIS has for [from, to] (at most 100, newest first). */
  private async page(code: string, from: string, to: string): Promise<KisChartRow[]> {
    let answer;
    try {
      answer = await this.c.http.read({
        method: 'GET',
        path: KIS_PATHS.dailyPrices,
        trId: trId(this.c.server, 'dailyPrices'),
        query: {
          FID_COND_MRKT_DIV_CODE: 'J',
          FID_INPUT_ISCD: code,
          FID_INPUT_DATE_1: from,
          FID_INPUT_DATE_2: to,
          FID_PERIOD_DIV_CODE: 'D',
          FID_ORG_ADJ_PRC: this.prices === 'adjusted' ? '0' : '1',
        },
        noDataCodes: NO_DATA_CODES,
      });
    } catch (e) {
      throw toDataError(e, WHAT);
    }
    if (answer.noData) return [];
    const body = KisChartAnswer.safeParse(answer.body);
    if (!body.success) throw this.bad(`unexpected daily prices for ${code}: ${describeZodError(body.error)}`);
    return body.data.output2.map((raw) => {
      const r = KisChartRow.safeParse(raw);
      if (!r.success) throw this.bad(`unexpected daily row for ${code}: ${describeZodError(r.error)}`);
      return r.data;
    });
  }

  /** The bar of a row (whole KRW), null for a day without trades; throws on a closed day or impossible prices. */
  private barOf(code: string, r: KisChartRow): Bar | null {
    const date = iso(r.stck_bsop_date);
    if (!this.isSession(date)) {
      throw this.bad(`KIS has a daily row for ${code} on ${date}, which the KRX calendar has as closed`, 'if KRX did trade that day, add a calendar override; otherwise report the row to KIS');
    }
    // KRW has no smaller unit; KIS sends whole won, adjusted series included.
    const [open, high, low, close] = [r.stck_oprc, r.stck_hgpr, r.stck_lwpr, r.stck_clpr].map(Math.round) as [number, number, number, number];
    const volume = r.acml_vol;
    if (open === 0 && high === 0 && low === 0 && volume === 0) {
      this.logger?.warn({ symbol: code, date }, 'KIS daily row without trades skipped');
      return null;
    }
    if (!(open > 0 && high > 0 && low > 0 && close > 0) || low > Math.min(open, close) || high < Math.max(open, close) || !(volume >= 0)) {
      throw this.bad(`impossible daily row for ${code} on ${date}: open ${open}, high ${high}, low ${low}, close ${close}, volume ${volume}`);
    }
    return { date, open, high, low, close, volume };
  }

  /** One bar a date: the same row twice is dropped, two different ones are a bad answer. */
  private add(code: string, byDate: Map<string, Bar>, bar: Bar): void {
    const seen = byDate.get(bar.date);
    if (!seen) {
      byDate.set(bar.date, bar);
      return;
    }
    if (seen.open !== bar.open || seen.high !== bar.high || seen.low !== bar.low || seen.close !== bar.close || seen.volume !== bar.volume) {
      throw this.bad(`two different daily rows for ${code} on ${bar.date}`);
    }
  }

  private bad(detail: string, hint?: string): DataProviderError {
    return new DataProviderError({ provider: NAME, kind: 'bad_response', detail: this.c.http.scrub(detail), ...(hint ? { hint } : {}) });
  }
}

/**
 * How messages name the bars of a provider with an adjustment label, e.g.
 * `kis (adjusted, price only — not total return)`.
 */
export function describeKisBars(p: Pick<KisDataProvider, 'name' | 'prices' | 'adjustment'>): string {
  return `${p.name} (${p.prices}, ${p.adjustment === 'price_only' ? 'price only — not total return' : p.adjustment})`;
}

const compact = (isoDate: string) => isoDate.replaceAll('-', '');
const iso = (yyyymmdd: string) => `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;

/** The calendar day before a YYYYMMDD date, as YYYYMMDD. */
function dayBefore(yyyymmdd: string): string {
  const t = Date.parse(`${iso(yyyymmdd)}T00:00:00Z`) - 86_400_000;
  return new Date(t).toISOString().slice(0, 10).replaceAll('-', '');
}

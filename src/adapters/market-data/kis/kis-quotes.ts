import type { Logger } from 'pino';
import { z } from 'zod';
import { isSession as krxIsSession } from '../../../engine/calendar/krx/index.js';
import type { KisConnection } from '../../brokers/kis/connection.js';
import { kisNumber, kisText } from '../../brokers/kis/schema.js';
import { kstParts } from '../../brokers/kis/session.js';
import { KIS_PATHS } from '../../brokers/kis/tr-ids.js';
import { DataProviderError } from '../errors.js';
import { describeZodError } from '../http/describe-zod.js';
import type { Quote, QuoteProvider } from '../port.js';
import { KIS_DATA_NAME, krxCodeOf, toDataError } from './kis-common.js';

/**
 * 주식현재가 호가/예상체결 [v1_국내주식-011]: the order book of one KRX code,
 * TR `FHKST01010200` on both servers, `FID_COND_MRKT_DIV_CODE=J` (KRX) and
 * `FID_INPUT_ISCD`. Source: koreainvestment/open-trading-api
 * examples_llm/domestic_stock/inquire_asking_price_exp_ccn/
 * {inquire_asking_price_exp_ccn.py (path, TR id, query), chk_….py (output1
 * fields: aspr_acpt_hour 호가 접수 시간, askp1 매도호가1, bidp1 매수호가1,
 * askp_rsqn1 / bidp_rsqn1 their 잔량)}. This TR, not the current-price TR
 * FHKST01010100 (inquire-price, which has no bid/ask), because execution
 * prices buys off the ask, sells off the bid and checks the spread.
 */
export const KIS_ASKING_PRICE_PATH = KIS_PATHS.askingPrice;
export const KIS_ASKING_PRICE_TR = 'FHKST01010200';

/** "조회할 자료가 없습니다": KIS has no such code. */
const NO_DATA_CODES = ['40310000'] as const;
const WHAT = 'KIS quotes';
/** A book time later than the clock by more than this is from an earlier session (clock skew allowed for). */
const SKEW_MS = 60_000;
/** How far back the previous session is looked for (the longest KRX closures are the lunar holidays plus a weekend). */
const MAX_DAYS_BACK = 14;

/** Level 1 of output1 (lower-case keys, as the HTTP layer folds them). */
const AskingOutput = z.object({
  aspr_acpt_hour: kisText.optional(),
  askp1: kisNumber.default(0),
  bidp1: kisNumber.default(0),
  askp_rsqn1: kisNumber.default(0),
  bidp_rsqn1: kisNumber.default(0),
});
const AskingAnswer = z.object({ output1: AskingOutput });

export interface KisQuoteProviderOptions {
  /** The broker's connection: the same token, request rate and HTTP layer. */
  connection: KisConnection;
  /** KRX session dates, for dating a book taken on an earlier session; default the engine's KRX calendar. */
  isSession?: (date: string) => boolean;
  logger?: Logger;
}

/**
 * KR quotes (top of the KRX book) from KIS, on the broker's connection.
 * The quote is as KIS shows it: outside the session the book may be empty
 * (bid or ask 0), which the order paths treat as "no quote" themselves, as
 * they do with any provider. One request per symbol: KIS has no
 * several-symbol book inquiry.
 */
export class KisQuoteProvider implements QuoteProvider {
  readonly name = KIS_DATA_NAME;
  private readonly c: KisConnection;
  private readonly isSession: (date: string) => boolean;
  private readonly logger: Logger | undefined;

  constructor(o: KisQuoteProviderOptions) {
    this.c = o.connection;
    this.isSession = o.isSession ?? krxIsSession;
    this.logger = (o.logger ?? o.connection.logger)?.child({ provider: KIS_DATA_NAME, data: 'quotes' });
  }

  async latestQuote(symbol: string): Promise<Quote> {
    const code = krxCodeOf(symbol, WHAT);
    let answer;
    try {
      answer = await this.c.http.read({
        method: 'GET',
        path: KIS_ASKING_PRICE_PATH,
        trId: KIS_ASKING_PRICE_TR,
        query: { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: code },
        noDataCodes: NO_DATA_CODES,
      });
    } catch (e) {
      throw toDataError(e, WHAT);
    }
    if (answer.noData) {
      throw new DataProviderError({ provider: KIS_DATA_NAME, kind: 'not_found', detail: `KIS has no quote for ${code}`, hint: 'check the code (six digits, e.g. 069500) and that it is listed on KRX' });
    }
    const body = AskingAnswer.safeParse(answer.body);
    if (!body.success) {
      throw new DataProviderError({ provider: KIS_DATA_NAME, kind: 'bad_response', detail: this.c.http.scrub(`unexpected quote for ${code}: ${describeZodError(body.error)}`) });
    }
    const o = body.data.output1;
    if (o.bidp1 <= 0 || o.askp1 <= 0) this.logger?.debug({ symbol: code, bid: o.bidp1, ask: o.askp1 }, 'KIS shows an empty side of the book');
    return { symbol: code, bid: o.bidp1, ask: o.askp1, bidSize: o.bidp_rsqn1, askSize: o.askp_rsqn1, time: this.timeOf(o.aspr_acpt_hour ?? '') };
  }

  /**
   * RFC 3339 in KST of the book's time. KIS gives only HHMMSS: it is today's
   * unless that is still ahead of the clock (before today's book forms KIS
   * shows the last one), then the previous KRX session's. No time (blank):
   * the connection's clock, the moment of the request.
   */
  private timeOf(hhmmss: string): string {
    const now = this.c.now();
    if (!/^\d{6}$/.test(hhmmss)) return kstIso(now);
    let date = kstParts(now).date;
    const at = (d: string) => Date.parse(`${d}T${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4, 6)}+09:00`);
    if (at(date) > now + SKEW_MS) {
      for (let i = 0; i < MAX_DAYS_BACK; i++) {
        date = dayBefore(date);
        if (this.isSession(date)) break;
      }
    }
    return `${date}T${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4, 6)}+09:00`;
  }
}

/** An instant as KST RFC 3339, to the second. */
function kstIso(ms: number): string {
  return `${new Date(ms + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
}

/** The calendar day before an ISO date. */
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

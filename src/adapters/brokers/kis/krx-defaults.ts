import { sessionInfo } from '../../../engine/calendar/krx/index.js';
import { tickSizeFor } from '../../../engine/market/index.js';
import type { KrxHoursOf } from './session.js';

/**
 * The KIS adapter's defaults from the engine's KRX rules.
 *
 * Hours: the KRX calendar of src/engine/calendar/krx (holidays and special
 * closures, the 10:00 open of the year's first session and of CSAT days, the
 * one-hour-late close on CSAT days). The single-price auctions follow the
 * day's own hours (session.ts): the opening one takes orders from 30 minutes
 * before the open, the closing one runs the last 10 minutes. KRX moves the
 * order-taking time with the session when it shifts the hours:
 * - since 2019-04-29 the opening auction takes orders 08:30–09:00, 30 minutes
 *   before the open (donga.com/news/amp/all/20190428/95291497/1);
 * - on a shifted day "호가접수시간 또한 변경된 매매거래시간의 개시전 60분부터"
 *   (then 60 minutes; hankyung.com/finance/article/2009110948846, CSAT 2009),
 *   i.e. measured from the shifted open;
 * - on the late-open first session of 2021 the pre-open closing-price trade
 *   moved from 08:30–08:40 to 09:30–09:40 (wowtv.co.kr 2021010424766), one
 *   hour with the open, so the opening auction is 09:30–10:00 that day;
 * - the closing auction is the last 10 minutes before the close (15:20–15:30)
 *   and moves with it: when the close moved to 15:30 in 2016 "종가단일가는
 *   기존 대비 30분씩 순연" (asiae.co.kr 2016072815354501229); on a CSAT day
 *   (정규시장 10:00~16:30, KRX notice of 2017-11-16 quoted at
 *   butterfly715.tistory.com) it is taken as 16:20–16:30. CONFIRM against a
 *   KRX notice before relying on the CSAT closing auction.
 */
export const krxCalendarHours: KrxHoursOf = (kstDate) => {
  let s;
  try {
    s = sessionInfo(kstDate);
  } catch {
    // Outside the calendar's 2000–2050: no session the adapter can vouch for.
    return null;
  }
  if (s === null) return null;
  return { openMin: kstMinuteOf(s.open), closeMin: kstMinuteOf(s.close) };
};

const KST_OFFSET_MS = 9 * 3_600_000;

/** Minutes after KST midnight of an instant (KST is UTC+9 all year). */
function kstMinuteOf(ms: number): number {
  const d = new Date(ms + KST_OFFSET_MS);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
}

/**
 * The KRX ETF tick (KRW) at `price` on the order's KST date: 5 won before the
 * ETF tick reform, then 1 won below 2,000 and 5 won at or above (engine
 * tickSizeFor). The bot trades ETFs; pass a stock tick for shares.
 */
export function krxEtfTick(price: number, kstDate: string): number {
  return tickSizeFor({ market: 'KR', instrument: 'etf', date: kstDate, price });
}

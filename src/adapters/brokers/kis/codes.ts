import type { BrokerErrorKind } from '../errors.js';

/**
 * KIS answers `{ rt_cd, msg_cd, msg1 }` on every call: rt_cd "0" is success,
 * anything else a failure named by msg_cd. The gateway's own codes (EGW…)
 * come before any business logic, so a request refused with one of them was
 * not processed. Codes we act on, with their meaning as KIS words it:
 *
 * | msg_cd   | KIS says                                              | kind           | source |
 * |----------|-------------------------------------------------------|----------------|--------|
 * | EGW00201 | 초당 거래건수를 초과하였습니다 (over the per-second rate) | `rate_limited` | open-trading-api README ("초당 거래건수 초과 (EGW00201)"), backtester/kis_backtest/providers/kis/data.py |
 * | EGW00133 | 접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)         | `rate_limited` | tokenP is allowed once a minute (open-trading-api README "토큰 재발급 - 1분당 1회") |
 * | EGW00123 | 기간이 만료된 token 입니다 (token expired)              | `auth` (token) | legacy/rest/current_price_samle.py re-authenticates on it |
 * | EGW00121 | 유효하지 않은 token 입니다 (token invalid)              | `auth` (token) | KIS error code list (API portal) |
 * | EGW00102 | AppKey는 필수입니다                                    | `auth`         | KIS error code list |
 * | EGW00103 | 유효하지 않은 AppKey입니다                              | `auth`         | KIS error code list |
 * | EGW00105 | 유효하지 않은 AppSecret입니다                           | `auth`         | KIS error code list |
 * | EGW00002 | 서버 에러가 발생했습니다                                | `unavailable`  | KIS error code list |
 *
 * Any other failure of an order POST with rt_cd ≠ "0" in an HTTP 200 is a
 * business refusal (insufficient cash, price outside the daily limit, market
 * closed, …): `rejected`, msg1 shown as the reason.
 */
export const KIS_CODES = {
  rateLimit: 'EGW00201',
  tokenOncePerMinute: 'EGW00133',
  tokenExpired: 'EGW00123',
  tokenInvalid: 'EGW00121',
} as const;

const KINDS: Record<string, BrokerErrorKind> = {
  EGW00201: 'rate_limited',
  EGW00133: 'rate_limited',
  EGW00123: 'auth',
  EGW00121: 'auth',
  EGW00102: 'auth',
  EGW00103: 'auth',
  EGW00105: 'auth',
  EGW00002: 'unavailable',
};

/** The error kind of a known msg_cd; undefined for codes we do not know (the caller decides by context). */
export function kindOfCode(msgCd: string | undefined): BrokerErrorKind | undefined {
  return msgCd === undefined ? undefined : KINDS[msgCd.trim().toUpperCase()];
}

/** The token was refused (expired or invalid): get a fresh one and repeat the request once. */
export function isTokenCode(msgCd: string | undefined): boolean {
  const c = msgCd?.trim().toUpperCase();
  return c === KIS_CODES.tokenExpired || c === KIS_CODES.tokenInvalid;
}

/**
 * True when KIS refused the request at its gateway, before processing it:
 * an order POST answered so was definitely not placed and may be sent again.
 */
export function isRefusedBeforeProcessing(msgCd: string | undefined): boolean {
  const c = msgCd?.trim().toUpperCase();
  return c === KIS_CODES.rateLimit || isTokenCode(c) || c === 'EGW00102' || c === 'EGW00103' || c === 'EGW00105';
}

/**
 * KIS wire pieces shared by the emulator's handlers: the reply type, the
 * `rt_cd`/`msg_cd`/`msg1` answers (README.md cites each), TR IDs and paths.
 */

/** An answer the server writes: status, JSON body, extra headers. */
export class KisReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A `{rt_cd, msg_cd, msg1}` refusal (rt_cd "1"). */
export function refusal(status: number, msgCd: string, msg1: string): KisReply {
  return new KisReply(status, { rt_cd: '1', msg_cd: msgCd, msg1 });
}

/** A successful business answer: `rt_cd "0"` plus the given outputs. */
export function ok(msgCd: string, msg1: string, outputs: Record<string, unknown>, headers: Record<string, string> = {}): KisReply {
  return new KisReply(200, { rt_cd: '0', msg_cd: msgCd, msg1, ...outputs }, headers);
}

/** The refusals the emulator gives; `(status, msg_cd, msg1)`. */
export const REFUSALS = {
  rateLimited: () => refusal(500, 'EGW00201', '초당 거래건수를 초과하였습니다.'),
  invalidToken: () => refusal(500, 'EGW00121', '유효하지 않은 token 입니다.'),
  expiredToken: () => refusal(500, 'EGW00123', '기간이 만료된 token 입니다.'),
  invalidAppKey: () => refusal(500, 'EGW00103', '유효하지 않은 AppKey입니다.'),
  unknownTrId: () => refusal(500, 'OPSQ0002', '없는 서비스 코드 입니다'),
  badField: (field: string) => refusal(200, 'OPSQ2001', `ERROR : INPUT_FIELD_NAME ${field}`),
  badAccount: () => refusal(200, 'OPSQ2000', 'ERROR : INPUT INVALID_CHECK_ACNO'),
  hashkey: () => refusal(200, 'EGW00999', 'hashkey가 요청 본문과 일치하지 않습니다.'),
  marketClosed: () => refusal(200, 'APBK0918', '장운영시간이 아닙니다.(주문불가)'),
  singlePrice: () => refusal(200, 'APBK3013', '[단일가매매] 지정가 주문(신규/정정/취소) 및 최유리/최우선 취소 주문만 가능합니다'),
  noCash: () => refusal(200, 'APBK0656', '주문가능금액을 초과했습니다.'),
  noShares: () => refusal(200, 'APBK0400', '주문가능수량을 초과했습니다.'),
  nothingToCancel: () => refusal(200, 'APBK0402', '정정/취소할 수량이 없습니다.'),
  noData: () => refusal(200, '40310000', '조회할 자료가 없습니다'),
  notFound: () => refusal(404, 'EGW00002', '요청하신 경로를 찾을 수 없습니다.'),
  serverError: (status = 500) => refusal(status, 'EGW00002', '서버 에러가 발생하였습니다.'),
} as const;

/** Token endpoint errors use OAuth-style `{error_code, error_description}` with HTTP 403. */
export function tokenRefusal(code: string, description: string): KisReply {
  return new KisReply(403, { error_code: code, error_description: description });
}

export const PATHS = {
  token: '/oauth2/tokenP',
  hashkey: '/uapi/hashkey',
  orderCash: '/uapi/domestic-stock/v1/trading/order-cash',
  rvsecncl: '/uapi/domestic-stock/v1/trading/order-rvsecncl',
  dailyCcld: '/uapi/domestic-stock/v1/trading/inquire-daily-ccld',
  balance: '/uapi/domestic-stock/v1/trading/inquire-balance',
  price: '/uapi/domestic-stock/v1/quotations/inquire-price',
  askingPrice: '/uapi/domestic-stock/v1/quotations/inquire-asking-price-exp-ccn',
  dailyChart: '/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice',
} as const;

/** Real-server TR IDs; the virtual server swaps the leading T for V (trading TRs only). */
export const TR = {
  buy: 'TTTC0012U',
  sell: 'TTTC0011U',
  rvsecncl: 'TTTC0013U',
  dailyCcld: 'TTTC0081R',
  balance: 'TTTC8434R',
  price: 'FHKST01010100',
  askingPrice: 'FHKST01010200',
  dailyChart: 'FHKST03010100',
} as const;

/** The TR ID as the given server expects it: trading TRs (T…) become V… on virtual; quotation TRs (F…) are shared. */
export function trFor(server: 'real' | 'virtual', realTr: string): string {
  return server === 'virtual' && realTr.startsWith('T') ? `V${realTr.slice(1)}` : realTr;
}

/** KIS pads continuation keys to their field width with spaces. */
export function ctx100(s: string): string {
  return s.padEnd(100, ' ');
}

/** A KRW amount as KIS writes it: an integer string. */
export function krw(n: number): string {
  return String(Math.round(n));
}

/**
 * Which KIS server an adapter talks to: `real` (실전투자, real money) or
 * `virtual` (모의투자, KIS's paper trading). Each has its own host, its own
 * app key and its own TR ids (the virtual ones start with V).
 */
export type KisServer = 'real' | 'virtual';

/** KIS Open API hosts (koreainvestment/open-trading-api, kis_auth.py). */
export const KIS_REAL_URL = 'https://openapi.koreainvestment.com:9443';
export const KIS_VIRTUAL_URL = 'https://openapivts.koreainvestment.com:29443';

/** REST paths used by the adapter. */
export const KIS_PATHS = {
  token: '/oauth2/tokenP',
  hashkey: '/uapi/hashkey',
  orderCash: '/uapi/domestic-stock/v1/trading/order-cash',
  orderRevise: '/uapi/domestic-stock/v1/trading/order-rvsecncl',
  dailyOrders: '/uapi/domestic-stock/v1/trading/inquire-daily-ccld',
  balance: '/uapi/domestic-stock/v1/trading/inquire-balance',
  price: '/uapi/domestic-stock/v1/quotations/inquire-price',
  dailyPrices: '/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice',
  /** The order book (호가, FHKST01010200), read by the KIS quote provider (src/adapters/market-data/kis). */
  askingPrice: '/uapi/domestic-stock/v1/quotations/inquire-asking-price-exp-ccn',
} as const;

/** What a TR id does; the same on both servers. */
export type KisTr = 'buy' | 'sell' | 'reviseCancel' | 'dailyOrders' | 'balance' | 'price' | 'dailyPrices';

/**
 * Current TR ids (order-cash buy 0012U / sell 0011U, revise-cancel 0013U,
 * daily orders within 3 months 0081R, balance 8434R). Trading TR ids start
 * with T on the real server and V on the virtual one; quotation ids are the
 * same on both. Source: koreainvestment/open-trading-api examples_llm/
 * domestic_stock/{order_cash,order_rvsecncl,inquire_daily_ccld,inquire_balance,
 * inquire_price,inquire_daily_itemchartprice}.
 */
const TR_IDS: Record<KisServer, Record<KisTr, string>> = {
  real: {
    buy: 'TTTC0012U',
    sell: 'TTTC0011U',
    reviseCancel: 'TTTC0013U',
    dailyOrders: 'TTTC0081R',
    balance: 'TTTC8434R',
    price: 'FHKST01010100',
    dailyPrices: 'FHKST03010100',
  },
  virtual: {
    buy: 'VTTC0012U',
    sell: 'VTTC0011U',
    reviseCancel: 'VTTC0013U',
    dailyOrders: 'VTTC0081R',
    balance: 'VTTC8434R',
    price: 'FHKST01010100',
    dailyPrices: 'FHKST03010100',
  },
};

/** The TR id of `tr` on `server`. */
export function trId(server: KisServer, tr: KisTr): string {
  return TR_IDS[server][tr];
}

/** The default request rate per account (KIS notice of 2026-04): 18/s real, 1/s virtual. */
export function defaultMaxRps(server: KisServer): number {
  return server === 'real' ? 18 : 1;
}

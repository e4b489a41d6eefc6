import type { Bar } from '../../engine/bars.js';
import type { KisFault } from './faults.js';

/** A planted quote for one symbol (6-digit PDNO). Prices are whole KRW. */
export interface KisQuote {
  /** Last price (`stck_prpr`). */
  price: number;
  bid: number;
  ask: number;
  /** Shares at the bid; unlimited when omitted. */
  bidSize?: number;
  /** Shares at the ask; unlimited when omitted. */
  askSize?: number;
  /** Korean name (`hts_kor_isnm`, `prdt_name`). */
  name?: string;
  /** Previous close (`stck_sdpr`); defaults to `price`. */
  prevClose?: number;
}

/**
 * A planted daily bar (`date` the KST trading day, YYYY-MM-DD); `original`
 * holds unadjusted prices (FID_ORG_ADJ_PRC=1).
 */
export interface KisBar extends Bar {
  original?: { open: number; high: number; low: number; close: number };
}

/** Options of {@link startKisEmulator}. */
export interface KisEmulatorOptions {
  /** 'real' (TTTC… TR IDs) or 'virtual' (VTTC…). Default 'real'. */
  server?: 'real' | 'virtual';
  appKey: string;
  appSecret: string;
  /** `CANO-ACNT_PRDT_CD`, 8 + 2 digits. Default '12345678-01'. */
  account?: string;
  /** Requests per second per app key (default 18 real, 1 virtual). */
  maxRps?: number;
  /** The clock, epoch ms (default Date.now). Tests fix Seoul time with it or with `setClock`. */
  now?: () => number;
  quotes?: Record<string, KisQuote>;
  bars?: Record<string, KisBar[]>;
  /** Starting cash in KRW. Default 10 000 000. */
  cash?: number;
  /** Rows per daily-orders page (default 100 real, 15 virtual). */
  pageSize?: number;
  /** Rows per daily-prices call (default 100). */
  chartRowLimit?: number;
  /** Refuse order/cancel POSTs without a matching `hashkey` header. Default true. */
  requireHashkey?: boolean;
  /** Extra KRX closed days, YYYY-MM-DD (weekends are always closed). */
  closedDays?: string[];
  /**
   * Every instant is KRX's continuous session, so an end-to-end test of the fill path runs at any
   * hour on the real clock (the app's MARKET_HOURS=always counterpart). Default false: KRX hours.
   */
  alwaysOpen?: boolean;
  port?: number;
}

/** ORD_DVSN codes the emulator models: limit, market, IOC limit, FOK limit. */
export type KisOrdDvsn = '00' | '01' | '11' | '12';

/** An order put in the book by a control call instead of the API. */
export interface KisPlantedOrder {
  pdno: string;
  side: 'buy' | 'sell';
  qty: number;
  /** Limit price (0 for a market order). */
  price: number;
  /** Default '00'. */
  ordDvsn?: KisOrdDvsn;
  /** Already filled shares (at `price`). Default 0. */
  filledQty?: number;
  /** Default 'open' (the remainder rests); 'cancelled' cancels the remainder. */
  status?: 'open' | 'cancelled';
  /** Order instant, epoch ms; default the emulator clock. */
  at?: number;
}

/** One row of the daily-orders listing (an order, or the cancel request for one) plus its source: what the book keeps and the control API shows. */
export interface KisOrderFields {
  odno: string;
  source: 'api' | 'planted' | 'manual';
  pdno: string;
  side: 'buy' | 'sell';
  ordDvsn: string;
  qty: number;
  /** ORD_UNPR: the limit (0 for market orders). */
  price: number;
  filledQty: number;
  /** Shares cancelled (by a cancel request, an IOC/FOK/market remainder, or planting). */
  cancelledQty: number;
  /** For a cancel row: the order it cancels. */
  origOdno: string;
  isCancel: boolean;
  ordDt: string;
  ordTmd: string;
}

/** An order as the control API shows it (the wire listing row plus the source). */
export interface KisOrderView extends KisOrderFields {
  remainingQty: number;
}

/** Counters tests read through `counters()`. */
export interface KisCounters {
  /** Every POST /oauth2/tokenP. */
  tokenCalls: number;
  /** New tokens issued (a re-returned token is not counted). */
  tokensIssued: number;
  /** EGW00133 refusals. */
  tokenRefusals: number;
  /** EGW00201 refusals by the emulator's own limiter. */
  rateLimited: number;
  /** Order-cash POSTs that placed an order. */
  ordersReceived: number;
  /** Every HTTP request. */
  requests: number;
}

/** The running emulator: its URL and control API. */
export interface KisEmulator {
  readonly url: string;
  /** Fixes the clock at `ms` (epoch). */
  setClock(ms: number): void;
  /** Moves the clock forward (or back, negative). */
  advanceClock(ms: number): void;
  /** The emulator's current time, epoch ms. */
  now(): number;
  setQuote(pdno: string, quote: KisQuote): void;
  setBars(pdno: string, bars: KisBar[]): void;
  setCash(krw: number): void;
  /** A holding (qty 0 removes it). */
  setPosition(pdno: string, qty: number, avgPrice: number): void;
  setMaxRps(n: number): void;
  /** A resting order as if placed earlier through the API; returns its ODNO. */
  plantOrder(order: KisPlantedOrder): string;
  /** An order placed in the KIS app/HTS: listed like any other, unknown to the client; returns its ODNO. */
  plantManualOrder(order: KisPlantedOrder): string;
  /** Fills `qty` (default: all remaining) of a resting order at `price` (default: its limit, or the quote for a market order). */
  fill(odno: string, qty?: number, price?: number): void;
  /** Every order row, oldest first. */
  orders(): KisOrderView[];
  counters(): KisCounters;
  injectFaults(...faults: KisFault[]): void;
  pendingFaults(): KisFault[];
  close(): Promise<void>;
}

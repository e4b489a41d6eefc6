import { hashOf, seoul, startKisEmulator, type KisEmulator, type KisEmulatorOptions } from '../../../../src/dev/kis/server.js';

export const APP_KEY = 'PSemuAppKey000000000000000000000000';
export const APP_SECRET = 'emu-app-secret';
export const CANO = '12345678';
export const PRDT = '01';
/** A Wednesday in continuous trading, Seoul time. */
export const TRADING_DAY = '2026-03-04';

export const P = {
  token: '/oauth2/tokenP',
  hashkey: '/uapi/hashkey',
  order: '/uapi/domestic-stock/v1/trading/order-cash',
  cancel: '/uapi/domestic-stock/v1/trading/order-rvsecncl',
  daily: '/uapi/domestic-stock/v1/trading/inquire-daily-ccld',
  balance: '/uapi/domestic-stock/v1/trading/inquire-balance',
  price: '/uapi/domestic-stock/v1/quotations/inquire-price',
  chart: '/uapi/domestic-stock/v1/quotations/inquire-daily-itemchartprice',
} as const;

export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

/** Starts an emulator whose clock is fixed at `time` (Seoul) on the trading day. */
export async function startAt(time: string, over: Partial<KisEmulatorOptions> = {}): Promise<KisEmulator> {
  const emu = await startKisEmulator({ appKey: APP_KEY, appSecret: APP_SECRET, maxRps: 1000, ...over });
  emu.setClock(seoul(TRADING_DAY, time));
  return emu;
}

async function call(url: string, init: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: JSON.parse(text) as Record<string, unknown> };
}

/** A plain-fetch client speaking KIS's wire format, with no retry logic of its own. */
export class Client {
  token = '';

  constructor(private readonly emu: KisEmulator) {}

  requestToken(appsecret = APP_SECRET): Promise<Answer> {
    return call(`${this.emu.url}${P.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', appkey: APP_KEY, appsecret }),
    });
  }

  async login(): Promise<void> {
    const a = await this.requestToken();
    this.token = String(a.json['access_token']);
  }

  headers(trId: string, extra: Record<string, string> = {}): Record<string, string> {
    return { 'content-type': 'application/json', authorization: `Bearer ${this.token}`, appkey: APP_KEY, appsecret: APP_SECRET, tr_id: trId, custtype: 'P', tr_cont: '', ...extra };
  }

  get(path: string, trId: string, query: Record<string, string>, extra: Record<string, string> = {}): Promise<Answer> {
    return call(`${this.emu.url}${path}?${new URLSearchParams(query).toString()}`, { headers: this.headers(trId, extra) });
  }

  /** POSTs `body`; `hashkey`: the header to send (default: the emulator's hash of the exact bytes; null: none). */
  post(path: string, trId: string, body: Record<string, string>, hashkey: string | null = hashOf(JSON.stringify(body))): Promise<Answer> {
    const raw = JSON.stringify(body);
    const extra: Record<string, string> = hashkey === null ? {} : { hashkey };
    return call(`${this.emu.url}${path}`, { method: 'POST', headers: this.headers(trId, extra), body: raw });
  }

  order(trId: string, pdno: string, ordDvsn: string, qty: number, price: number): Promise<Answer> {
    return this.post(P.order, trId, orderBody(pdno, ordDvsn, qty, price));
  }

  dailyOrders(trId: string, over: Record<string, string> = {}, extra: Record<string, string> = {}): Promise<Answer> {
    return this.get(
      P.daily,
      trId,
      {
        CANO,
        ACNT_PRDT_CD: PRDT,
        INQR_STRT_DT: TRADING_DAY.replaceAll('-', ''),
        INQR_END_DT: TRADING_DAY.replaceAll('-', ''),
        SLL_BUY_DVSN_CD: '00',
        INQR_DVSN: '01',
        PDNO: '',
        CCLD_DVSN: '00',
        ORD_GNO_BRNO: '',
        ODNO: '',
        INQR_DVSN_3: '00',
        INQR_DVSN_1: '',
        CTX_AREA_FK100: '',
        CTX_AREA_NK100: '',
        ...over,
      },
      extra,
    );
  }
}

export function orderBody(pdno: string, ordDvsn: string, qty: number, price: number): Record<string, string> {
  return { CANO, ACNT_PRDT_CD: PRDT, PDNO: pdno, ORD_DVSN: ordDvsn, ORD_QTY: String(qty), ORD_UNPR: String(price), EXCG_ID_DVSN_CD: 'KRX', SLL_TYPE: '', CNDT_PRIC: '' };
}

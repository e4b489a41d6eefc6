import type { KrxPhase } from './kst.js';
import type { KisOrderFields, KisOrderView, KisQuote } from './types.js';
import { krw } from './wire.js';

/** One row of the daily-orders listing as the book keeps it: an order, or the cancel request for one. */
export interface BookOrder extends KisOrderFields {
  /** Sum of fill qty × price, KRW. */
  filledAmt: number;
}

interface Position {
  qty: number;
  avg: number;
}

/** The branch number KIS puts in KRX_FWDG_ORD_ORGNO / ord_gno_brno (a plausible 5-digit value). */
export const ORGNO = '91252';

const DVSN_NAME: Record<string, string> = { '00': '지정가', '01': '시장가', '11': 'IOC지정가', '12': 'FOK지정가' };
const CONDITION_NAME: Record<string, string> = { '11': 'IOC', '12': 'FOK' };

/** The account's orders, holdings and cash, and the matching rules (README "Orders"). */
export class Book {
  readonly orders: BookOrder[] = [];
  private readonly byOdno = new Map<string, BookOrder>();
  readonly positions = new Map<string, Position>();
  private seq = 0;

  constructor(
    public cash: number,
    private readonly quotes: Map<string, KisQuote>,
  ) {}

  get(odno: string): BookOrder | undefined {
    return this.byOdno.get(odno.padStart(10, '0'));
  }

  remaining(o: BookOrder): number {
    return o.isCancel ? 0 : o.qty - o.filledQty - o.cancelledQty;
  }

  /** Cash an order of `qty` at `price` may still use: cash minus what open buys hold. */
  freeCash(): number {
    let held = 0;
    for (const o of this.orders) if (o.side === 'buy') held += this.remaining(o) * this.reservePrice(o);
    return this.cash - held;
  }

  /** Shares of `pdno` not already offered by open sells. */
  freeShares(pdno: string): number {
    let offered = 0;
    for (const o of this.orders) if (o.side === 'sell' && o.pdno === pdno) offered += this.remaining(o);
    return (this.positions.get(pdno)?.qty ?? 0) - offered;
  }

  /** The price a buy of this kind holds cash at: its limit, or the ask for a market order. */
  reservePrice(o: Pick<BookOrder, 'price' | 'pdno'>): number {
    return o.price > 0 ? o.price : (this.quotes.get(o.pdno)?.ask ?? 0);
  }

  add(o: Omit<BookOrder, 'odno' | 'filledQty' | 'filledAmt' | 'cancelledQty'>): BookOrder {
    this.seq++;
    const order: BookOrder = { ...o, odno: String(1000 + this.seq).padStart(10, '0'), filledQty: 0, filledAmt: 0, cancelledQty: 0 };
    this.orders.push(order);
    this.byOdno.set(order.odno, order);
    return order;
  }

  /** Books a fill: order figures, cash and the holding (average price on buys). */
  fill(o: BookOrder, qty: number, price: number): void {
    if (qty <= 0) return;
    o.filledQty += qty;
    o.filledAmt += qty * price;
    const pos = this.positions.get(o.pdno) ?? { qty: 0, avg: 0 };
    if (o.side === 'buy') {
      this.cash -= qty * price;
      pos.avg = (pos.avg * pos.qty + price * qty) / (pos.qty + qty);
      pos.qty += qty;
    } else {
      this.cash += qty * price;
      pos.qty -= qty;
    }
    if (pos.qty > 0) this.positions.set(o.pdno, pos);
    else this.positions.delete(o.pdno);
  }

  /**
   * Matches a new order against the planted quote. Only continuous trading
   * matches; auctions leave `00`/`01` resting. A buy is marketable at
   * limit ≥ ask (sell: limit ≤ bid) and fills at the ask (bid) up to its size,
   * which the fill uses up. IOC, FOK and market orders cancel what is left;
   * FOK fills all or nothing.
   */
  match(o: BookOrder, phase: KrxPhase): void {
    if (phase !== 'continuous') return;
    const q = this.quotes.get(o.pdno);
    const immediate = o.ordDvsn !== '00';
    if (q) {
      const buy = o.side === 'buy';
      const touch = buy ? q.ask : q.bid;
      const marketable = o.ordDvsn === '01' || (buy ? o.price >= touch : o.price <= touch);
      if (marketable) {
        const size = buy ? q.askSize : q.bidSize;
        const want = this.remaining(o);
        const qty = Math.min(want, size ?? Infinity);
        if (!(o.ordDvsn === '12' && qty < want)) {
          this.fill(o, qty, touch);
          if (size !== undefined) {
            if (buy) q.askSize = size - qty;
            else q.bidSize = size - qty;
          }
        }
      }
    }
    if (immediate) o.cancelledQty += this.remaining(o);
  }

  /** A cancel request for `qty` of `orig`: a new row, and the original's remainder shrinks. */
  cancel(orig: BookOrder, qty: number, ordDt: string, ordTmd: string): BookOrder {
    orig.cancelledQty += qty;
    return this.add({
      source: 'api',
      pdno: orig.pdno,
      side: orig.side,
      ordDvsn: orig.ordDvsn,
      qty,
      price: orig.price,
      origOdno: orig.odno,
      isCancel: true,
      ordDt,
      ordTmd,
    });
  }

  view(o: BookOrder): KisOrderView {
    return {
      odno: o.odno,
      source: o.source,
      pdno: o.pdno,
      side: o.side,
      ordDvsn: o.ordDvsn,
      qty: o.qty,
      price: o.price,
      filledQty: o.filledQty,
      cancelledQty: o.cancelledQty,
      remainingQty: this.remaining(o),
      origOdno: o.origOdno,
      isCancel: o.isCancel,
      ordDt: o.ordDt,
      ordTmd: o.ordTmd,
    };
  }

  /** The inquire-daily-ccld `output1` row (lower-case fields, all strings). */
  row(o: BookOrder): Record<string, string> {
    const name = this.quotes.get(o.pdno)?.name ?? o.pdno;
    const sideCode = o.side === 'sell' ? '01' : '02';
    const sideName = o.side === 'sell' ? '현금매도' : '현금매수';
    return {
      ord_dt: o.ordDt,
      ord_gno_brno: ORGNO,
      odno: o.odno,
      orgn_odno: o.origOdno,
      ord_dvsn_name: DVSN_NAME[o.ordDvsn] ?? o.ordDvsn,
      sll_buy_dvsn_cd: sideCode,
      sll_buy_dvsn_cd_name: o.isCancel ? `${sideName}취소` : sideName,
      pdno: o.pdno,
      prdt_name: name,
      ord_qty: String(o.qty),
      ord_unpr: krw(o.price),
      ord_tmd: o.ordTmd,
      tot_ccld_qty: String(o.filledQty),
      avg_prvs: o.filledQty > 0 ? krw(o.filledAmt / o.filledQty) : '0',
      cncl_yn: o.isCancel ? 'Y' : 'N',
      tot_ccld_amt: krw(o.filledAmt),
      loan_dt: '',
      ordr_empno: '',
      ord_dvsn_cd: o.ordDvsn,
      cnc_cfrm_qty: o.isCancel ? String(o.qty) : String(o.cancelledQty),
      rmn_qty: String(this.remaining(o)),
      rjct_qty: '0',
      ccld_cndt_name: CONDITION_NAME[o.ordDvsn] ?? '없음',
      inqr_ip_addr: '',
      cpbc_ordp_ord_rcit_dvsn_cd: '',
      cpbc_ordp_infm_mthd_dvsn_cd: '',
      infm_tmd: '',
      ctac_tlno: '',
      prdt_type_cd: '300',
      excg_dvsn_cd: '02',
      cpbc_ordp_mtrl_dvsn_cd: '',
      ord_orgno: '',
      rsvn_ord_end_dt: '',
      excg_id_dvsn_cd: 'KRX',
      stpm_cndt_pric: '0',
      stpm_efct_occr_dtmd: '',
    };
  }
}

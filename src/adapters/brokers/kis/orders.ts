import type { BrokerOrder, OrderSide, OrderStatus } from '../port.js';
import type { KisDailyOrderRow } from './schema.js';
import { kstInstant } from './session.js';

/** ODNO is ten digits in KIS's listings (`0000012345`). */
const ODNO_DIGITS = 10;

/**
 * One spelling of an ODNO, used wherever order numbers are compared or
 * keyed: all digits padded to ten with leading zeros (`12345` and
 * `0000012345` are the same order). Anything else is returned trimmed, so it
 * matches nothing but itself.
 */
export function normalOdno(odno: string): string {
  const t = odno.trim();
  return /^\d{1,10}$/.test(t) ? t.padStart(ODNO_DIGITS, '0') : t;
}

/**
 * KIS order numbers (ODNO) restart every day, so the adapter's broker order
 * id is the order date and the number: `20240102-0000012345` (ODNO always
 * padded, {@link normalOdno}).
 */
export function brokerOrderIdOf(ordDt: string, odno: string): string {
  return `${ordDt.trim()}-${normalOdno(odno)}`;
}

/** The order date and (padded) ODNO of a broker order id; null when it is not one of ours. */
export function parseBrokerOrderId(id: string): { ordDt: string; odno: string } | null {
  const m = /^(\d{8})-(\d{1,10})$/.exec(typeof id === 'string' ? id.trim() : '');
  return m ? { ordDt: m[1]!, odno: normalOdno(m[2]!) } : null;
}

/** A broker order id in its one spelling (ODNO padded); other text unchanged. */
export function normalBrokerOrderId(id: string): string {
  const p = parseBrokerOrderId(id);
  return p ? brokerOrderIdOf(p.ordDt, p.odno) : id;
}

/** 01 sell, 02 buy. */
export function sideOfCode(code: string): OrderSide | undefined {
  return code === '02' ? 'buy' : code === '01' ? 'sell' : undefined;
}
export function codeOfSide(side: OrderSide): '01' | '02' {
  return side === 'buy' ? '02' : '01';
}

/** True for a row that is an order of its own (not the revise/cancel row KIS lists for it). */
export function isOriginalOrder(row: KisDailyOrderRow): boolean {
  return row.orgn_odno === '' || /^0*$/.test(row.orgn_odno);
}

/**
 * The normalised status of a daily-orders row:
 * - rejected by the exchange (rjct_qty) with nothing filled → `rejected`;
 * - everything filled → `filled`;
 * - something still resting (rmn_qty) → `partially_filled` / `new`;
 * - nothing resting, not all filled (an IOC remainder, a cancel) → `canceled`.
 */
export function statusOfRow(row: KisDailyOrderRow): OrderStatus {
  const filled = row.tot_ccld_qty;
  if (row.rjct_qty > 0 && filled === 0) return 'rejected';
  if (filled >= row.ord_qty && row.ord_qty > 0) return 'filled';
  if (row.rmn_qty > 0) return filled > 0 ? 'partially_filled' : 'new';
  return 'canceled';
}

/** A daily-orders row as a port order; `clientOrderId` is ours, or `kis-<id>` for an order the bot did not place. */
export function orderOfRow(row: KisDailyOrderRow, clientOrderId: string | null): BrokerOrder {
  const brokerOrderId = brokerOrderIdOf(row.ord_dt, row.odno);
  const filled = row.tot_ccld_qty;
  const avg = filled > 0 ? (row.avg_prvs > 0 ? row.avg_prvs : row.tot_ccld_amt / filled) : null;
  const at = new Date(kstInstant(row.ord_dt, row.ord_tmd)).toISOString();
  const status = statusOfRow(row);
  return {
    brokerOrderId,
    clientOrderId: clientOrderId ?? `kis-${brokerOrderId}`,
    symbol: row.pdno,
    side: sideOfCode(row.sll_buy_dvsn_cd) ?? 'buy',
    qty: row.ord_qty,
    filledQty: filled,
    avgFillPrice: avg,
    limitPrice: row.ord_unpr > 0 ? row.ord_unpr : null,
    status,
    brokerStatus: `ccld ${filled}/${row.ord_qty}, rmn ${row.rmn_qty}, cncl ${row.cnc_cfrm_qty}, rjct ${row.rjct_qty}`,
    ...(status === 'rejected' ? { rejectReason: 'rejected by the exchange' } : {}),
    timeInForce: row.ord_dvsn_cd === '11' ? 'ioc' : row.ord_dvsn_cd === '00' ? 'day' : row.ord_dvsn_cd,
    submittedAt: at,
    updatedAt: at,
  };
}

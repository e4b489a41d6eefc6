import { describeZodError } from '../../market-data/http/describe-zod.js';
import type { OrderSide } from '../port.js';
import type { KisAccount } from './account.js';
import type { KisHttp } from './http.js';
import { brokerOrderIdOf, codeOfSide, normalOdno } from './orders.js';
import { KisDailyOrderRow } from './schema.js';
import { kstParts } from './session.js';
import { KIS_PATHS, trId, type KisServer } from './tr-ids.js';

/** A row KIS listed that does not read as a daily-orders row: what little is known of it, and why. */
export interface UnreadableRow {
  /** `YYYYMMDD-ODNO` when the row's ord_dt and odno are at least text; else null. */
  brokerOrderId: string | null;
  /** The zod complaint (field: problem). */
  why: string;
}

/** The rows of a daily-orders inquiry: the readable ones (one per order) and the rest. */
export interface DailyOrders {
  rows: KisDailyOrderRow[];
  unreadable: UnreadableRow[];
}

/** What to ask inquire-daily-ccld (TTTC0081R) for: KST days [from, to] (ms), optionally one symbol, side or ODNO. */
export interface DailyOrdersQuery {
  from: number;
  to: number;
  symbol?: string;
  side?: OrderSide;
  odno?: string;
  priority?: 'normal' | 'urgent';
}

/**
 * inquire-daily-ccld over every page, row by row: one unreadable row does
 * not sink the listing (the caller decides what it means: a listing skips
 * it, a look-up of the bot's own order cannot rule it out). Rows are one per
 * (ord_dt, ODNO): a row KIS repeats is counted once.
 */
export async function readDailyOrders(http: KisHttp, server: KisServer, account: KisAccount, q: DailyOrdersQuery): Promise<DailyOrders> {
  const { rows: raw } = await http.readPages({
    method: 'GET',
    path: KIS_PATHS.dailyOrders,
    trId: trId(server, 'dailyOrders'),
    priority: q.priority ?? 'normal',
    query: {
      CANO: account.cano,
      ACNT_PRDT_CD: account.productCode,
      INQR_STRT_DT: kstParts(q.from).compact,
      INQR_END_DT: kstParts(q.to).compact,
      SLL_BUY_DVSN_CD: q.side ? codeOfSide(q.side) : '00',
      INQR_DVSN: '00',
      PDNO: q.symbol ?? '',
      CCLD_DVSN: '00',
      ORD_GNO_BRNO: '',
      ODNO: q.odno ?? '',
      INQR_DVSN_3: '00',
      INQR_DVSN_1: '',
      CTX_AREA_FK100: '',
      CTX_AREA_NK100: '',
    },
  });
  const seen = new Set<string>();
  const out: DailyOrders = { rows: [], unreadable: [] };
  for (const r of raw) {
    const p = KisDailyOrderRow.safeParse(r);
    if (p.success) {
      const id = brokerOrderIdOf(p.data.ord_dt, p.data.odno);
      if (seen.has(id)) continue;
      seen.add(id);
      out.rows.push({ ...p.data, odno: normalOdno(p.data.odno) });
      continue;
    }
    const o = (r !== null && typeof r === 'object' ? r : {}) as Record<string, unknown>;
    const id = typeof o.ord_dt === 'string' && typeof o.odno === 'string' ? brokerOrderIdOf(o.ord_dt, o.odno) : null;
    if (id !== null && seen.has(id)) continue;
    if (id !== null) seen.add(id);
    out.unreadable.push({ brokerOrderId: id, why: describeZodError(p.error) });
  }
  return out;
}

import { ORGNO, type BookOrder } from './book.js';
import type { KisContext } from './context.js';
import { krxPhase, kstParts } from './kst.js';
import { balanceQuery, dailyCcldQuery, failedField, orderCashBody, rvsecnclBody } from './schemas.js';
import { ctx100, krw, ok, REFUSALS, type KisReply } from './wire.js';
import type { z } from 'zod';

function parseBody<T extends z.ZodType>(schema: T, raw: string): { data: z.infer<T> } | { reply: KisReply } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { reply: REFUSALS.badField('BODY') };
  }
  const r = schema.safeParse(json);
  return r.success ? { data: r.data } : { reply: REFUSALS.badField(failedField(r.error)) };
}

function parseQuery<T extends z.ZodType>(schema: T, query: Record<string, string>): { data: z.infer<T> } | { reply: KisReply } {
  const r = schema.safeParse(query);
  return r.success ? { data: r.data } : { reply: REFUSALS.badField(failedField(r.error)) };
}

function wrongAccount(ctx: KisContext, a: { CANO: string; ACNT_PRDT_CD: string }): boolean {
  return a.CANO !== ctx.cano || a.ACNT_PRDT_CD !== ctx.prdt;
}

const ACCEPTED = ['APBK0013', '주문 전송 완료 되었습니다.'] as const;

/** POST order-cash: `side` comes from the TR ID (README "Orders"). */
export function orderCash(ctx: KisContext, side: 'buy' | 'sell', raw: string): KisReply {
  const p = parseBody(orderCashBody, raw);
  if ('reply' in p) return p.reply;
  const b = p.data;
  if (wrongAccount(ctx, b)) return REFUSALS.badAccount();
  const now = ctx.now();
  const phase = ctx.alwaysOpen ? 'continuous' : krxPhase(now, ctx.closedDays);
  if (phase === 'closed') return REFUSALS.marketClosed();
  const immediate = b.ORD_DVSN === '11' || b.ORD_DVSN === '12';
  if (immediate && phase !== 'continuous') return REFUSALS.singlePrice();
  const qty = Number(b.ORD_QTY);
  const price = b.ORD_DVSN === '01' ? 0 : Number(b.ORD_UNPR);
  if (b.ORD_DVSN !== '01' && price <= 0) return REFUSALS.badField('ORD_UNPR');
  const book = ctx.book;
  if (side === 'buy' && qty * book.reservePrice({ price, pdno: b.PDNO }) > book.freeCash()) return REFUSALS.noCash();
  if (side === 'sell' && qty > book.freeShares(b.PDNO)) return REFUSALS.noShares();
  const t = kstParts(now);
  const o = book.add({ source: 'api', pdno: b.PDNO, side, ordDvsn: b.ORD_DVSN, qty, price, origOdno: '', isCancel: false, ordDt: t.date, ordTmd: t.time });
  book.match(o, phase);
  ctx.counters.ordersReceived++;
  return ok(...ACCEPTED, { output: { KRX_FWDG_ORD_ORGNO: ORGNO, ODNO: o.odno, ORD_TMD: t.time } });
}

/** POST order-rvsecncl: cancels (all or `ORD_QTY` of) a resting order. */
export function cancelOrder(ctx: KisContext, raw: string): KisReply {
  const p = parseBody(rvsecnclBody, raw);
  if ('reply' in p) return p.reply;
  const b = p.data;
  if (wrongAccount(ctx, b)) return REFUSALS.badAccount();
  const now = ctx.now();
  if (!ctx.alwaysOpen && krxPhase(now, ctx.closedDays) === 'closed') return REFUSALS.marketClosed();
  const orig = ctx.book.get(b.ORGN_ODNO);
  const left = orig && !orig.isCancel ? ctx.book.remaining(orig) : 0;
  const qty = b.QTY_ALL_ORD_YN === 'Y' ? left : Math.min(Number(b.ORD_QTY), left);
  if (!orig || qty <= 0) return REFUSALS.nothingToCancel();
  const t = kstParts(now);
  const row = ctx.book.cancel(orig, qty, t.date, t.time);
  return ok(...ACCEPTED, { output: { KRX_FWDG_ORD_ORGNO: ORGNO, ODNO: row.odno, ORD_TMD: t.time } });
}

/** The `tr_cont` response header: F/D on a first call, M/E on follow-ups (README "Paging"). */
function pageTrCont(followUp: boolean, more: boolean): string {
  if (more) return followUp ? 'M' : 'F';
  return followUp ? 'E' : 'D';
}

/** GET inquire-daily-ccld: filtered, ordered, paged by CTX_AREA_NK100. */
export function dailyOrders(ctx: KisContext, query: Record<string, string>, requestTrCont: string): KisReply {
  const p = parseQuery(dailyCcldQuery, query);
  if ('reply' in p) return p.reply;
  const q = p.data;
  if (wrongAccount(ctx, q)) return REFUSALS.badAccount();
  const book = ctx.book;
  const odno = q.ODNO.trim() === '' ? '' : q.ODNO.trim().padStart(10, '0');
  const match = (o: BookOrder) =>
    o.ordDt >= q.INQR_STRT_DT &&
    o.ordDt <= q.INQR_END_DT &&
    (q.SLL_BUY_DVSN_CD === '00' || (q.SLL_BUY_DVSN_CD === '01') === (o.side === 'sell')) &&
    (q.PDNO === '' || o.pdno === q.PDNO) &&
    (odno === '' || o.odno === odno) &&
    (q.CCLD_DVSN === '00' || (q.CCLD_DVSN === '01' ? o.filledQty > 0 : book.remaining(o) > 0));
  const rows = book.orders.filter(match).sort((a, b) => `${a.ordDt}${a.ordTmd}${a.odno}`.localeCompare(`${b.ordDt}${b.ordTmd}${b.odno}`));
  if (q.INQR_DVSN === '00') rows.reverse();
  const offset = Number.parseInt(q.CTX_AREA_NK100.trim() || '0', 10) || 0;
  const page = rows.slice(offset, offset + ctx.pageSize);
  const more = offset + ctx.pageSize < rows.length;
  const orders = rows.filter((o) => !o.isCancel);
  const totQty = orders.reduce((s, o) => s + o.qty, 0);
  const ccldQty = orders.reduce((s, o) => s + o.filledQty, 0);
  const ccldAmt = orders.reduce((s, o) => s + o.filledAmt, 0);
  const fk = [q.CANO, q.ACNT_PRDT_CD, q.INQR_STRT_DT, q.INQR_END_DT, q.SLL_BUY_DVSN_CD, q.PDNO, q.CCLD_DVSN, q.INQR_DVSN].join('^');
  const [msgCd, msg1] = more ? ['KIOK0510', '조회가 계속됩니다..다음버튼을 Click 하십시오.'] : ['KIOK0460', '조회 되었습니다. (마지막 자료)'];
  return ok(
    msgCd,
    msg1,
    {
      ctx_area_fk100: ctx100(fk),
      ctx_area_nk100: ctx100(more ? String(offset + ctx.pageSize) : ''),
      output1: page.map((o) => book.row(o)),
      output2: {
        tot_ord_qty: String(totQty),
        tot_ccld_qty: String(ccldQty),
        tot_ccld_amt: krw(ccldAmt),
        prsm_tlex_smtl: '0',
        pchs_avg_pric: ccldQty > 0 ? (ccldAmt / ccldQty).toFixed(4) : '0.0000',
      },
    },
    { tr_cont: pageTrCont(requestTrCont === 'N', more) },
  );
}

/** GET inquire-balance: holdings (`output1`) and a one-element summary array (`output2`). */
export function balance(ctx: KisContext, query: Record<string, string>, requestTrCont: string): KisReply {
  const p = parseQuery(balanceQuery, query);
  if ('reply' in p) return p.reply;
  if (wrongAccount(ctx, p.data)) return REFUSALS.badAccount();
  const book = ctx.book;
  let pchsSum = 0;
  let evluSum = 0;
  const output1 = [...book.positions.entries()].map(([pdno, pos]) => {
    const q = ctx.quotes.get(pdno);
    const prpr = q?.price ?? pos.avg;
    const pchs = pos.qty * pos.avg;
    const evlu = pos.qty * prpr;
    pchsSum += pchs;
    evluSum += evlu;
    return {
      pdno,
      prdt_name: q?.name ?? pdno,
      trad_dvsn_name: '현금',
      bfdy_buy_qty: '0',
      bfdy_sll_qty: '0',
      thdt_buyqty: '0',
      thdt_sll_qty: '0',
      hldg_qty: String(pos.qty),
      ord_psbl_qty: String(book.freeShares(pdno)),
      pchs_avg_pric: pos.avg.toFixed(4),
      pchs_amt: krw(pchs),
      prpr: krw(prpr),
      evlu_amt: krw(evlu),
      evlu_pfls_amt: krw(evlu - pchs),
      evlu_pfls_rt: pchs > 0 ? (((evlu - pchs) / pchs) * 100).toFixed(2) : '0.00',
      evlu_erng_rt: '0.00000000',
      loan_dt: '',
      loan_amt: '0',
      stln_slng_chgs: '0',
      expd_dt: '',
      fltt_rt: '0.00000000',
      bfdy_cprs_icdc: '0',
      item_mgna_rt_name: '',
      grta_rt_name: '',
      sbst_pric: '0',
      stck_loan_unpr: '0.0000',
    };
  });
  const cash = krw(book.cash);
  const summary = {
    dnca_tot_amt: cash,
    nxdy_excc_amt: cash,
    prvs_rcdl_excc_amt: cash,
    cma_evlu_amt: '0',
    bfdy_buy_amt: '0',
    thdt_buy_amt: '0',
    nxdy_auto_rdpt_amt: '0',
    bfdy_sll_amt: '0',
    thdt_sll_amt: '0',
    d2_auto_rdpt_amt: '0',
    bfdy_tlex_amt: '0',
    thdt_tlex_amt: '0',
    tot_loan_amt: '0',
    scts_evlu_amt: krw(evluSum),
    tot_evlu_amt: krw(book.cash + evluSum),
    nass_amt: krw(book.cash + evluSum),
    fncg_gld_auto_rdpt_yn: '',
    pchs_amt_smtl_amt: krw(pchsSum),
    evlu_amt_smtl_amt: krw(evluSum),
    evlu_pfls_smtl_amt: krw(evluSum - pchsSum),
    tot_stln_slng_chgs: '0',
    bfdy_tot_asst_evlu_amt: krw(book.cash + evluSum),
    asst_icdc_amt: '0',
    asst_icdc_erng_rt: '0.00000000',
  };
  return ok(
    'KIOK0460',
    '조회 되었습니다. (마지막 자료)',
    { ctx_area_fk100: ctx100(''), ctx_area_nk100: ctx100(''), output1, output2: [summary] },
    { tr_cont: pageTrCont(requestTrCont === 'N', false) },
  );
}

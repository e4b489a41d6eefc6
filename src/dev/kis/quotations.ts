import type { KisContext } from './context.js';
import { dailyChartQuery, failedField, priceQuery } from './schemas.js';
import type { KisBar, KisQuote } from './types.js';
import { krw, ok, REFUSALS, type KisReply } from './wire.js';

const DONE = ['MCA00000', '정상처리 되었습니다.'] as const;

/** prdy_vrss_sign: 1 upper limit, 2 up, 3 flat, 4 lower limit, 5 down (only 2/3/5 used). */
function sign(change: number): string {
  if (change > 0) return '2';
  return change < 0 ? '5' : '3';
}

/** The tick (`aspr_unit`) of a KRX ETF price: 1 below 2 000, else 5 (DESIGN §8, since Dec 2023). */
function tick(price: number): number {
  return price < 2000 ? 1 : 5;
}

function change(q: KisQuote) {
  const prev = q.prevClose ?? q.price;
  const diff = q.price - prev;
  return { prev, diff, rate: prev > 0 ? ((diff / prev) * 100).toFixed(2) : '0.00' };
}

/** GET inquire-price (FHKST01010100): the planted quote as `output`. */
export function currentPrice(ctx: KisContext, query: Record<string, string>): KisReply {
  const r = priceQuery.safeParse(query);
  if (!r.success) return REFUSALS.badField(failedField(r.error));
  const pdno = r.data.FID_INPUT_ISCD;
  const q = ctx.quotes.get(pdno);
  if (!q) return REFUSALS.noData();
  const c = change(q);
  const bars = ctx.bars.get(pdno) ?? [];
  const last = bars.length > 0 ? [...bars].sort((a, b) => a.date.localeCompare(b.date)).at(-1) : undefined;
  return ok(...DONE, {
    output: {
      iscd_stat_cls_code: '55',
      marg_rate: '100.00',
      rprs_mrkt_kor_name: 'ETF',
      bstp_kor_isnm: '',
      temp_stop_yn: 'N',
      stck_prpr: krw(q.price),
      prdy_vrss: krw(c.diff),
      prdy_vrss_sign: sign(c.diff),
      prdy_ctrt: c.rate,
      acml_tr_pbmn: '0',
      acml_vol: String(last?.volume ?? 0),
      stck_oprc: krw(last?.open ?? q.price),
      stck_hgpr: krw(last?.high ?? q.price),
      stck_lwpr: krw(last?.low ?? q.price),
      stck_mxpr: krw(Math.floor((c.prev * 1.3) / tick(c.prev)) * tick(c.prev)),
      stck_llam: krw(Math.ceil((c.prev * 0.7) / tick(c.prev)) * tick(c.prev)),
      stck_sdpr: krw(c.prev),
      aspr_unit: String(tick(q.price)),
      hts_deal_qty_unit_val: '1',
      stck_shrn_iscd: pdno,
    },
  });
}

/** GET inquire-asking-price-exp-ccn (FHKST01010200): level 1 of the book from the quote. */
export function askingPrice(ctx: KisContext, query: Record<string, string>): KisReply {
  const r = priceQuery.safeParse(query);
  if (!r.success) return REFUSALS.badField(failedField(r.error));
  const q = ctx.quotes.get(r.data.FID_INPUT_ISCD);
  if (!q) return REFUSALS.noData();
  const askSize = String(q.askSize ?? 1_000_000);
  const bidSize = String(q.bidSize ?? 1_000_000);
  return ok(...DONE, {
    output1: {
      aspr_acpt_hour: '',
      askp1: krw(q.ask),
      bidp1: krw(q.bid),
      askp_rsqn1: askSize,
      bidp_rsqn1: bidSize,
      total_askp_rsqn: askSize,
      total_bidp_rsqn: bidSize,
    },
    output2: { stck_prpr: krw(q.price), stck_shrn_iscd: r.data.FID_INPUT_ISCD },
  });
}

const ymd = (isoDate: string) => isoDate.replaceAll('-', '');

/**
 * GET inquire-daily-itemchartprice (FHKST03010100): the newest
 * `chartRowLimit` planted bars in [DATE_1, DATE_2], newest first.
 */
export function dailyChart(ctx: KisContext, query: Record<string, string>): KisReply {
  const r = dailyChartQuery.safeParse(query);
  if (!r.success) return REFUSALS.badField(failedField(r.error));
  const q = r.data;
  const pdno = q.FID_INPUT_ISCD;
  const all = [...(ctx.bars.get(pdno) ?? [])].sort((a, b) => b.date.localeCompare(a.date));
  const quote = ctx.quotes.get(pdno);
  if (all.length === 0 && !quote) return REFUSALS.noData();
  const original = q.FID_ORG_ADJ_PRC === '1';
  const px = (b: KisBar) => (original && b.original ? b.original : b);
  const inRange = all.filter((b) => ymd(b.date) >= q.FID_INPUT_DATE_1 && ymd(b.date) <= q.FID_INPUT_DATE_2).slice(0, ctx.chartRowLimit);
  const output2 = inRange.map((b) => {
    const i = all.indexOf(b);
    const prev = all[i + 1];
    const p = px(b);
    const diff = prev ? p.close - px(prev).close : 0;
    return {
      stck_bsop_date: ymd(b.date),
      stck_clpr: krw(p.close),
      stck_oprc: krw(p.open),
      stck_hgpr: krw(p.high),
      stck_lwpr: krw(p.low),
      acml_vol: String(b.volume),
      acml_tr_pbmn: krw(b.volume * p.close),
      flng_cls_code: '00',
      prtt_rate: '0.00',
      mod_yn: b.original ? 'Y' : 'N',
      prdy_vrss_sign: sign(diff),
      prdy_vrss: krw(diff),
      revl_issu_reas: '',
    };
  });
  const newest = all[0];
  const price = quote?.price ?? newest!.close;
  const prev = quote?.prevClose ?? all[1]?.close ?? price;
  return ok(...DONE, {
    output1: {
      prdy_vrss: krw(price - prev),
      prdy_vrss_sign: sign(price - prev),
      prdy_ctrt: prev > 0 ? (((price - prev) / prev) * 100).toFixed(2) : '0.00',
      stck_prdy_clpr: krw(prev),
      acml_vol: String(newest?.volume ?? 0),
      acml_tr_pbmn: '0',
      hts_kor_isnm: quote?.name ?? pdno,
      stck_prpr: krw(price),
      stck_shrn_iscd: pdno,
      stck_oprc: krw(newest?.open ?? price),
      stck_hgpr: krw(newest?.high ?? price),
      stck_lwpr: krw(newest?.low ?? price),
    },
    output2,
  });
}

import { z } from 'zod';

/**
 * KIS response bodies (zod). KIS sends every number as a string; inquiry
 * fields are lower case (`odno`, `tot_ccld_qty`), order outputs upper case
 * (`ODNO`, `KRX_FWDG_ORD_ORGNO`). {@link lowerKeys} folds both to lower case
 * before parsing, so one schema reads either.
 */

/** The object with its keys (one level, and one level inside arrays/objects below it) in lower case. */
export function lowerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(lowerKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k.toLowerCase()] = typeof v === 'object' ? lowerKeys(v) : v;
  return out;
}

/**
 * A KIS number: a string (or number) of digits, possibly signed or with a
 * fraction; '' reads as 0. Shared by every KIS answer (orders, balance,
 * charts), which all send numbers as strings. Thousands separators and
 * spaces are dropped (`"30,000"`, `" 2 "`): KIS's own samples show both, and
 * one such field must not make a whole inquiry (e.g. /kill's listing) fail.
 */
export const kisNumber = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const s = typeof v === 'number' ? String(v) : v.replace(/[\s,]/g, '');
  if (s === '') return 0;
  const n = Number(s);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(s.slice(0, 20))}` });
    return z.NEVER;
  }
  return n;
});
/** A KIS text field: a string (or a number) as trimmed text. */
export const kisText = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
// Short names for the many fields below.
const num = kisNumber;
const str = kisText;

/** The envelope of every answer: rt_cd "0" is success. */
export const KisEnvelope = z.object({
  rt_cd: str.optional(),
  msg_cd: str.optional(),
  msg1: str.optional(),
});

/** POST /oauth2/tokenP (answer keys are lower case already). */
export const KisTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: num.optional(),
  /** KST, `2024-01-02 09:00:00`. */
  access_token_token_expired: z.string().optional(),
});

/** tokenP's error body: `{ error_code: "EGW00133", error_description: "…" }`. */
export const KisTokenError = z.object({ error_code: str.optional(), error_description: str.optional() });

/** POST /uapi/hashkey: `{ BODY, HASH }` (read after {@link lowerKeys}). */
export const KisHashResponse = z.object({ hash: z.string().min(1) });

/** order-cash / order-rvsecncl output. */
export const KisOrderOutput = z.object({
  krx_fwdg_ord_orgno: str.default(''),
  odno: str,
  ord_tmd: str.default(''),
});

/** One row of inquire-daily-ccld output1. */
export const KisDailyOrderRow = z.object({
  ord_dt: str,
  ord_gno_brno: str.default(''),
  odno: str,
  orgn_odno: str.default(''),
  /** 01 sell, 02 buy. */
  sll_buy_dvsn_cd: str,
  pdno: str,
  ord_qty: num,
  ord_unpr: num,
  /** HHMMSS, KST. */
  ord_tmd: str,
  tot_ccld_qty: num.default(0),
  avg_prvs: num.default(0),
  cncl_yn: str.default(''),
  tot_ccld_amt: num.default(0),
  rmn_qty: num.default(0),
  rjct_qty: num.default(0),
  cnc_cfrm_qty: num.default(0),
  ord_dvsn_cd: str.default(''),
});
export type KisDailyOrderRow = z.infer<typeof KisDailyOrderRow>;

/** One row of inquire-balance output1 (a holding). */
export const KisHoldingRow = z.object({
  pdno: str,
  prdt_name: str.default(''),
  hldg_qty: num,
  ord_psbl_qty: num.default(0),
  pchs_avg_pric: num.default(0),
  pchs_amt: num.default(0),
  prpr: num.default(0),
  evlu_amt: num.default(0),
  evlu_pfls_amt: num.default(0),
});
export type KisHoldingRow = z.infer<typeof KisHoldingRow>;

/** inquire-balance output2 (one summary row, sent as a one-element array). */
export const KisBalanceSummary = z.object({
  /** 예수금총금액: cash deposited today. */
  dnca_tot_amt: num.default(0),
  /** 가수도정산금액: cash after today's trades settle (D+2). */
  prvs_rcdl_excc_amt: num.default(0),
  /** 총평가금액: cash plus holdings at market. */
  tot_evlu_amt: num.default(0),
  scts_evlu_amt: num.default(0),
  nass_amt: num.default(0),
});

/** A list page: output1 rows, the paging keys. */
export const KisPage = z.object({
  output1: z.array(z.unknown()).default([]),
  output2: z.unknown().optional(),
  ctx_area_fk100: str.default(''),
  ctx_area_nk100: str.default(''),
});

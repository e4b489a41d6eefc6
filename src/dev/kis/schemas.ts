import { z } from 'zod';

const digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`));
const count = z.string().regex(/^\d+$/);
const ymd = z.string().regex(/^\d{8}$/);
const pdno = z.string().regex(/^[0-9A-Z]{6,7}$/);
const account = { CANO: digits(8), ACNT_PRDT_CD: digits(2) };

/** order-cash body (upper-case keys, string values). */
export const orderCashBody = z.object({
  ...account,
  PDNO: pdno,
  ORD_DVSN: z.enum(['00', '01', '11', '12']),
  ORD_QTY: count.refine((s) => Number(s) > 0),
  ORD_UNPR: count,
  EXCG_ID_DVSN_CD: z.enum(['KRX', '']).optional(),
  SLL_TYPE: z.string().optional(),
  CNDT_PRIC: z.string().optional(),
});

/** order-rvsecncl body; only cancels (RVSE_CNCL_DVSN_CD 02) are modelled. */
export const rvsecnclBody = z.object({
  ...account,
  KRX_FWDG_ORD_ORGNO: z.string(),
  ORGN_ODNO: z.string().regex(/^\d{1,10}$/),
  ORD_DVSN: z.string(),
  RVSE_CNCL_DVSN_CD: z.literal('02'),
  ORD_QTY: count,
  ORD_UNPR: count,
  QTY_ALL_ORD_YN: z.enum(['Y', 'N']),
  EXCG_ID_DVSN_CD: z.enum(['KRX', '']).optional(),
});

/** inquire-daily-ccld query. */
export const dailyCcldQuery = z.object({
  ...account,
  INQR_STRT_DT: ymd,
  INQR_END_DT: ymd,
  SLL_BUY_DVSN_CD: z.enum(['00', '01', '02']),
  INQR_DVSN: z.enum(['00', '01']),
  PDNO: z.string().optional().default(''),
  CCLD_DVSN: z.enum(['00', '01', '02']),
  ORD_GNO_BRNO: z.string().optional(),
  ODNO: z.string().optional().default(''),
  INQR_DVSN_3: z.string(),
  INQR_DVSN_1: z.string().optional(),
  CTX_AREA_FK100: z.string().optional().default(''),
  CTX_AREA_NK100: z.string().optional().default(''),
  EXCG_ID_DVSN_CD: z.string().optional(),
});

/** inquire-balance query. */
export const balanceQuery = z.object({
  ...account,
  AFHR_FLPR_YN: z.string(),
  OFL_YN: z.string().optional(),
  INQR_DVSN: z.enum(['01', '02']),
  UNPR_DVSN: z.string(),
  FUND_STTL_ICLD_YN: z.string(),
  FNCG_AMT_AUTO_RDPT_YN: z.string(),
  PRCS_DVSN: z.string(),
  CTX_AREA_FK100: z.string().optional(),
  CTX_AREA_NK100: z.string().optional(),
});

/** inquire-price / inquire-asking-price-exp-ccn query. */
export const priceQuery = z.object({
  FID_COND_MRKT_DIV_CODE: z.enum(['J', 'NX', 'UN']),
  FID_INPUT_ISCD: pdno,
});

/** inquire-daily-itemchartprice query (daily period only). */
export const dailyChartQuery = z.object({
  FID_COND_MRKT_DIV_CODE: z.enum(['J', 'NX', 'UN']),
  FID_INPUT_ISCD: pdno,
  FID_INPUT_DATE_1: ymd,
  FID_INPUT_DATE_2: ymd,
  FID_PERIOD_DIV_CODE: z.literal('D'),
  FID_ORG_ADJ_PRC: z.enum(['0', '1']),
});

/** The upper-case field named by a zod failure (for OPSQ2001's message). */
export function failedField(error: z.ZodError): string {
  return String(error.issues[0]?.path[0] ?? 'BODY');
}

import { z } from 'zod';

/**
 * inquire-daily-itemchartprice (FHKST03010100) as KIS sends it: every value a
 * string, lower-case keys (folded by the HTTP layer), `output2` the daily rows
 * newest first (koreainvestment/open-trading-api examples_llm/domestic_stock/
 * inquire_daily_itemchartprice, chk_… COLUMN_MAPPING). A row with an empty
 * `stck_bsop_date` carries no day (KIS pads empty answers so) and is skipped.
 */

/** A KIS number: digits as a string (or a number); '' is 0. */
const num = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const s = typeof v === 'number' ? String(v) : v.trim();
  if (s === '') return 0;
  const n = Number(s);
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${JSON.stringify(s.slice(0, 20))}` });
    return z.NEVER;
  }
  return n;
});

/** One daily row of output2. */
export const KisChartRow = z.object({
  /** 주식 영업 일자, YYYYMMDD. */
  stck_bsop_date: z.union([z.string(), z.number()]).transform((v) => String(v).trim()),
  stck_oprc: num.default(0),
  stck_hgpr: num.default(0),
  stck_lwpr: num.default(0),
  stck_clpr: num.default(0),
  acml_vol: num.default(0),
  /** 수정주가 적용 여부 (Y when the row's prices were adjusted). */
  mod_yn: z.string().optional(),
});
export type KisChartRow = z.infer<typeof KisChartRow>;

/** The answer: output2 (rows) is all the provider reads. */
export const KisChartAnswer = z.object({
  output2: z.array(z.unknown()).default([]),
});

import { z } from 'zod';
import { kisNumber, kisText } from '../../brokers/kis/schema.js';

/**
 * inquire-daily-itemchartprice (FHKST03010100) as KIS sends it: every value a
 * string, lower-case keys (folded by the HTTP layer), `output2` the daily rows
 * newest first (koreainvestment/open-trading-api examples_llm/domestic_stock/
 * inquire_daily_itemchartprice, chk_… COLUMN_MAPPING). A row with an empty
 * `stck_bsop_date` carries no day (KIS pads empty answers so) and is skipped.
 */

/** One daily row of output2. */
export const KisChartRow = z.object({
  /** 주식 영업 일자, YYYYMMDD. */
  stck_bsop_date: kisText,
  stck_oprc: kisNumber.default(0),
  stck_hgpr: kisNumber.default(0),
  stck_lwpr: kisNumber.default(0),
  stck_clpr: kisNumber.default(0),
  acml_vol: kisNumber.default(0),
  /** 수정주가 적용 여부 (Y when the row's prices were adjusted). */
  mod_yn: z.string().optional(),
});
export type KisChartRow = z.infer<typeof KisChartRow>;

/** The answer: output2 (rows) is all the provider reads. */
export const KisChartAnswer = z.object({
  output2: z.array(z.unknown()).default([]),
});

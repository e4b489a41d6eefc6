/**
 * Dated US regulatory fee rates on sales, with their sources. A rate applies
 * to trades on or after `from` until the next row; `knownThrough` is the last
 * trade date the table vouches for (a newer rate may already be in force).
 *
 * Add a row when the SEC issues a fee rate advisory or FINRA changes Schedule A
 * to its By-Laws; never edit a past row.
 */

/** SEC Section 31 rate in force from a trade date. */
export interface SecFeeRate {
  /** First trade (charge) date, `YYYY-MM-DD`. */
  readonly from: string;
  /** Dollars per $1,000,000 of sale proceeds. */
  readonly perMillion: number;
  readonly source: string;
}

/** FINRA Trading Activity Fee for covered equity securities, in force from a trade date. */
export interface FinraTafRate {
  readonly from: string;
  /** Dollars per share sold. */
  readonly perShare: number;
  /** Most charged for one trade, dollars. */
  readonly maxPerTrade: number;
  readonly source: string;
}

/**
 * Section 31 rates since FY2020. Each fiscal-year order takes effect the later
 * of October 1 and 60 days after the SEC's appropriation (e.g. the FY2023
 * appropriation of 2022-12-29 → 2023-02-27).
 */
export const SEC_FEE_RATES: readonly SecFeeRate[] = Object.freeze([
  { from: '2020-02-18', perMillion: 22.1, source: 'FINRA Information Notice 2020-02-03 (FY2020 Fee Rate Advisory #2: $20.70 → $22.10 from 2020-02-18)' },
  { from: '2021-02-25', perMillion: 5.1, source: 'FINRA Information Notice 2021-02-16 (FY2021 Fee Rate Advisory #2: $22.10 → $5.10 from 2021-02-25)' },
  {
    from: '2022-05-14',
    perMillion: 22.9,
    source: 'FY2022 Fee Rate Advisory #2 ($22.90; 60 days after the appropriation of 2022-03-15) — date and rate from memory, not re-read: CONFIRM',
  },
  { from: '2023-02-27', perMillion: 8.0, source: 'SEC Release 34-96724 (2023-01-23), FY2023 order; $8 in force through 2024-05-21 per the FY2024 advisory' },
  { from: '2024-05-22', perMillion: 27.8, source: 'SEC Release 34-99973 (2024-04-17), FY2024 Fee Rate Advisory #2: $27.80 from 2024-05-22' },
  { from: '2025-05-14', perMillion: 0, source: 'FINRA Information Notice 2025-04-24: $27.80 → $0.00 from 2025-05-14 (FY2025 target already collected)' },
]);

/**
 * Last trade date {@link SEC_FEE_RATES} vouches for. The FY2026 order (SEC
 * Release 34-104909 of 2026-02-27) sets a new rate whose value and effective
 * day are not in this table; it cannot take effect earlier than 30 days after
 * that order, so $0.00 holds at least through 2026-03-28.
 */
export const SEC_FEE_RATES_KNOWN_THROUGH = '2026-03-28';

/**
 * FINRA TAF on sales of covered equity securities (Schedule A, Section 1 of
 * the FINRA By-Laws).
 */
export const FINRA_TAF_RATES: readonly FinraTafRate[] = Object.freeze([
  { from: '2020-01-01', perShare: 0.000119, maxPerTrade: 5.95, source: 'Alpaca fee page (2020): $0.000119 per share, at most $5.95 (rate in force before 2022)' },
  {
    from: '2022-01-01',
    perShare: 0.00013,
    maxPerTrade: 6.49,
    source: 'SR-FINRA-2020-032 phased fee increase, 2022 step — from memory, not re-read: CONFIRM',
  },
  {
    from: '2023-01-01',
    perShare: 0.000145,
    maxPerTrade: 7.27,
    source: 'SR-FINRA-2020-032 phased fee increase, 2023 step — from memory, not re-read: CONFIRM',
  },
  {
    from: '2024-01-01',
    perShare: 0.000166,
    maxPerTrade: 8.3,
    source: 'SR-FINRA-2020-032, 2024 step; Alpaca docs "Regulatory Fees": TAF 0.000166 per share, max 8.30 (qty limit 50,000)',
  },
]);

/**
 * Last trade date {@link FINRA_TAF_RATES} vouches for. SR-FINRA-2024-019
 * (filed 2024-11-08, "Adjust FINRA Fees to Provide Sustainable Funding")
 * changes FINRA fees from 2025 on; its TAF steps for 2026+ are not in this table.
 */
export const FINRA_TAF_RATES_KNOWN_THROUGH = '2025-12-31';

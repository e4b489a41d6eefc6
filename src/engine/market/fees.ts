/**
 * Fees on one fill, per market, in the market's currency.
 *
 * KR (KRW): the broker commission (KIS) on both sides, a rate the caller
 * passes; no transaction tax on ETF sales — 증권거래세 is levied on sales of
 * shares, and ETFs are beneficiary certificates of a fund, not shares, so the
 * securities transaction tax does not apply to them (KR stock sales are
 * refused here: their tax rate changes year by year and differs by board).
 *
 * US (USD): the broker commission (an existing {@link CommissionModel}; Alpaca
 * charges none) and, on sells only, the SEC Section 31 fee and the FINRA
 * Trading Activity Fee at the rates in force on the trade date
 * (see fee-rates.ts). Section 31 binds exchanges and FINRA, not customers;
 * brokers pass it on, and Alpaca (the project's US broker) rounds both the SEC
 * fee and the TAF UP to the next cent, the TAF capped at its per-trade maximum
 * (alpaca.markets/support/regulatory-fees). Each fee is rounded up per fill
 * here; Alpaca has charged the day's cumulative total rounded up since
 * 2021-04 (docs.alpaca.markets/docs/regulatory-fees), which can be up to a
 * cent per fee per fill lower than this estimate.
 */
import { commissionFor, type CommissionModel } from '../backtest/commission.js';
import { isoDate } from './dates.js';
import { FeeRateUnknownError, MarketRuleNotSupportedError } from './errors.js';
import {
  FINRA_TAF_RATES,
  FINRA_TAF_RATES_KNOWN_THROUGH,
  SEC_FEE_RATES,
  SEC_FEE_RATES_KNOWN_THROUGH,
  type FinraTafRate,
  type SecFeeRate,
} from './fee-rates.js';
import { MARKETS, type Market, type MarketCurrency } from './markets.js';
import type { InstrumentType, OrderSide } from './ticks.js';

/**
 * Default KIS commission as a fraction of the fill's value: 0.015 %. A
 * parameter, not a fact about any account — KIS rates depend on the account
 * and channel; pass the account's own rate.
 */
export const DEFAULT_KR_COMMISSION_RATE = 0.00015;

/** Rates a caller may supply for a US trade date the tables do not cover yet. */
export interface UsFeeRates {
  readonly secPerMillion: number;
  readonly tafPerShare: number;
  readonly tafMaxPerTrade: number;
}

/** One fill. */
export interface FeeQuery {
  readonly market: Market;
  readonly instrument: InstrumentType;
  readonly side: OrderSide;
  /** Trade date, `YYYY-MM-DD`, in the market's own calendar. */
  readonly date: string;
  /** Shares (US may be fractional; KR whole shares). */
  readonly qty: number;
  /** Fill price in the market's currency. */
  readonly price: number;
  /** KR: broker commission as a fraction of the fill's value; {@link DEFAULT_KR_COMMISSION_RATE} when absent. */
  readonly krCommissionRate?: number;
  /** US: broker commission; none when absent (Alpaca). */
  readonly usCommission?: CommissionModel;
  /** US: rates to use instead of the dated tables (a rate newer than the tables). */
  readonly usRates?: UsFeeRates;
}

/** Fees of one fill, each in `currency` and already rounded as charged. */
export interface FeeBreakdown {
  readonly currency: MarketCurrency;
  readonly commission: number;
  readonly secFee: number;
  readonly finraTaf: number;
  readonly tax: number;
  readonly total: number;
}

/** Rounds a dollar amount up to the cent, ignoring float noise below a millionth of a cent. */
export function ceilToCent(amount: number): number {
  return Math.ceil(Math.round(amount * 100 * 1e6) / 1e6) / 100;
}

function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function rowOn<T extends { from: string }>(rows: readonly T[], date: string, knownThrough: string, what: string, fix: string): T {
  const d = isoDate(date);
  if (d > knownThrough) throw new FeeRateUnknownError(`${what} for ${d} is not on file (the table covers trades through ${knownThrough}); ${fix}`);
  let found: T | undefined;
  for (const row of rows) if (row.from <= d) found = row;
  if (!found) throw new FeeRateUnknownError(`${what} for ${d} is not on file (the table starts ${rows[0]?.from ?? 'nowhere'}); pass usRates for older trades`);
  return found;
}

/** The SEC Section 31 rate in force on a trade date. */
export function secFeeRateOn(date: string): SecFeeRate {
  return rowOn(SEC_FEE_RATES, date, SEC_FEE_RATES_KNOWN_THROUGH, 'the SEC Section 31 rate', 'add the FY2026 rate (SEC Release 34-104909) to SEC_FEE_RATES in src/engine/market/fee-rates.ts, or pass usRates');
}

/** The FINRA TAF rate (covered equity) in force on a trade date. */
export function finraTafRateOn(date: string): FinraTafRate {
  return rowOn(FINRA_TAF_RATES, date, FINRA_TAF_RATES_KNOWN_THROUGH, 'the FINRA TAF rate', 'add the 2026 step of SR-FINRA-2024-019 to FINRA_TAF_RATES in src/engine/market/fee-rates.ts, or pass usRates');
}

/** SEC fee on a sale of `proceeds` dollars: proceeds × rate / 1,000,000, rounded up to the cent. */
export function secFeeOn(proceeds: number, perMillion: number): number {
  return ceilToCent((proceeds * perMillion) / 1e6);
}

/** FINRA TAF on a sale of `qty` shares: qty × rate rounded up to the cent, at most the per-trade maximum. */
export function finraTafOn(qty: number, perShare: number, maxPerTrade: number): number {
  return Math.min(ceilToCent(qty * perShare), maxPerTrade);
}

function checkFill(q: FeeQuery): void {
  if (!Number.isFinite(q.qty) || q.qty <= 0) throw new RangeError(`qty must be a positive number of shares, not ${String(q.qty)}`);
  if (!Number.isFinite(q.price) || q.price <= 0) throw new RangeError(`price must be a positive number, not ${String(q.price)}`);
  isoDate(q.date);
}

function krFees(q: FeeQuery): FeeBreakdown {
  const rate = q.krCommissionRate ?? DEFAULT_KR_COMMISSION_RATE;
  if (!Number.isFinite(rate) || rate < 0 || rate > 0.01) throw new RangeError(`krCommissionRate is a fraction of the fill's value (0.00015 for 0.015 %), not ${String(rate)}`);
  if (q.side === 'sell' && q.instrument === 'stock') {
    throw new MarketRuleNotSupportedError('KR stock sales are not supported: their securities transaction tax (증권거래세) changes by year and board and is not modelled; trade ETFs');
  }
  // Brokers charge whole won and drop the fraction (원 미만 절사): flooring never overstates the fee by a won.
  const commission = Math.floor(Math.round(q.qty * q.price * rate * 1e6) / 1e6);
  const tax = 0; // ETF sales: no 증권거래세 (see the file comment); buys carry no tax.
  return { currency: MARKETS.KR.currency, commission, secFee: 0, finraTaf: 0, tax, total: commission + tax };
}

function tableRates(date: string): UsFeeRates {
  const taf = finraTafRateOn(date);
  return { secPerMillion: secFeeRateOn(date).perMillion, tafPerShare: taf.perShare, tafMaxPerTrade: taf.maxPerTrade };
}

function usFees(q: FeeQuery): FeeBreakdown {
  const commission = cents(commissionFor(q.usCommission ?? { kind: 'none' }, q.qty, q.price));
  let secFee = 0;
  let finraTaf = 0;
  if (q.side === 'sell') {
    const rates = q.usRates ?? tableRates(q.date);
    secFee = secFeeOn(q.qty * q.price, rates.secPerMillion);
    finraTaf = finraTafOn(q.qty, rates.tafPerShare, rates.tafMaxPerTrade);
  }
  return { currency: MARKETS.US.currency, commission, secFee, finraTaf, tax: 0, total: cents(commission + secFee + finraTaf) };
}

/** The fees of one fill, rounded as each party charges them. */
export function tradeFees(q: FeeQuery): FeeBreakdown {
  checkFill(q);
  return q.market === 'KR' ? krFees(q) : usFees(q);
}

/**
 * What a paper book takes from its market (issue 15): which symbols it trades,
 * its price grid, its session clock, its currency and the fees of a fill. The
 * PaperBroker holds one of these; the US one keeps every rule the paper broker
 * had before markets existed.
 */
import { XKRX_CALENDAR, XNYS_CALENDAR } from '../../../engine/calendar/exchange.js';
import { KRX_HOURS } from '../../../engine/krx-hours.js';
import { EXCHANGE_HOURS, type MarketHours } from '../../../engine/market-hours.js';
import {
  DEFAULT_KR_COMMISSION_RATE,
  MARKETS,
  marketOfSymbol,
  roundToMarketTick,
  tradeFees,
  type Market,
  type MarketCurrency,
  type OrderSide,
} from '../../../engine/market/index.js';
import { roundToTick, type TickRounding } from '../../../engine/tick.js';
import { formatMoney } from '../../../lib/money.js';

/**
 * A fill's fee as recorded: the amount, or null with the note saying why —
 * `off` when the book charges no fees, `unknown` when the fee could not be
 * worked out (a rate not on file for the trade date), `none` when nothing filled.
 */
export type RecordedFee = { fee: number; note: null } | { fee: null; note: string; why: 'off' | 'unknown' | 'none' };

/** The market rules one paper book trades by. */
export interface MarketBook {
  readonly market: Market;
  readonly currency: MarketCurrency;
  /** The session hours orders execute in, unless the broker is given others. */
  readonly defaultHours: MarketHours;
  readonly defaultStartingCash: number;
  readonly defaultName: string;
  /** Why `symbol` cannot be traded here (the other market's), or null when it can. */
  refusal(symbol: string, broker: string): string | null;
  /** The exchange-local session date of an instant: the date ticks and fee rates are judged by. */
  sessionDate(nowMs: number): string;
  /** `price` on this market's grid for `date`; throws RangeError where none is (a price below one tick rounded down). */
  onTick(price: number, mode: TickRounding, date: string): number;
  /** The fee of a fill, or why it is unknown. */
  fee(side: OrderSide, qty: number, price: number, date: string): RecordedFee;
  /** An amount as the book's messages show it. */
  format(amount: number): string;
}

export interface MarketBookOptions {
  /** Charge fees on fills. */
  readonly fees: boolean;
  /** KR only: the broker commission in basis points of the fill's value. */
  readonly commissionBps?: number;
}

const FEES_OFF = 'fees are off for this paper book';
/** Every KR order here is an ETF: the project trades KRX ETFs only, and KR stock sales carry a tax the fee model refuses. */
const KR_INSTRUMENT = 'etf';

/** The rules of `market`'s paper book. */
export function marketBook(market: Market, opts: MarketBookOptions): MarketBook {
  const currency = MARKETS[market].currency;
  const other: Market = market === 'US' ? 'KR' : 'US';
  const krCommissionRate = commissionRate(opts.commissionBps);
  const describe = (m: Market) => (m === 'KR' ? 'a KR (KRX) code' : 'a US symbol');
  const base = {
    market,
    currency,
    refusal(symbol: string, broker: string): string | null {
      let of: Market;
      try {
        of = marketOfSymbol(symbol);
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
      if (of === market) return null;
      return `${symbol} is ${describe(of)}: ${broker} serves the ${market} market only (${market === 'KR' ? 'six-digit KRX codes such as 069500' : 'US tickers such as SPY'}); send it to the ${other} broker`;
    },
    fee(side: OrderSide, qty: number, price: number, date: string): RecordedFee {
      if (!opts.fees) return { fee: null, note: FEES_OFF, why: 'off' };
      try {
        const f = tradeFees({ market, instrument: KR_INSTRUMENT, side, date, qty, price, krCommissionRate });
        return { fee: f.total, note: null };
      } catch (e) {
        // Never refuse or alter a fill over a fee: the caller records it unknown and says why.
        return { fee: null, note: e instanceof Error ? e.message : String(e), why: 'unknown' };
      }
    },
    format: (amount: number) => (market === 'KR' ? formatMoney({ amount, currency: 'KRW' }) : `$${amount.toFixed(2)}`),
  };
  if (market === 'KR') {
    return {
      ...base,
      defaultHours: KRX_HOURS,
      defaultStartingCash: 10_000_000,
      defaultName: 'paper-kr',
      sessionDate: (nowMs) => XKRX_CALENDAR.dateOf(nowMs),
      onTick: (price, mode, date) => roundToMarketTick({ market, instrument: KR_INSTRUMENT, date, price }, mode),
    };
  }
  return {
    ...base,
    defaultHours: EXCHANGE_HOURS,
    defaultStartingCash: 100_000,
    defaultName: 'paper',
    sessionDate: (nowMs) => {
      // The US grid needs no date; only fee rates do. A clock outside the NY time-zone rules (2000–2050)
      // must not stop a US order as it never did before fees: its UTC date finds no rate anyway.
      try {
        return XNYS_CALENDAR.dateOf(nowMs);
      } catch {
        return new Date(nowMs).toISOString().slice(0, 10);
      }
    },
    // The US grid does not depend on the date (Reg NMS 612), as before markets existed.
    onTick: (price, mode) => roundToTick(price, mode),
  };
}

/** The KR commission as a fraction, from basis points; the engine's default when not given. */
function commissionRate(bps: number | undefined): number {
  if (bps === undefined) return DEFAULT_KR_COMMISSION_RATE;
  if (!Number.isFinite(bps) || bps < 0 || bps > 100) throw new RangeError(`commissionBps must be in [0, 100] basis points (1.5 for 0.015 %), not ${bps}`);
  return bps / 10_000;
}

import type { Logger } from 'pino';
import { roundKrw } from '../../lib/money.js';
import { z } from 'zod';
import type { SqlSession, UnitOfWork } from '../../adapters/db/port.js';
import type { Broker } from '../../adapters/brokers/port.js';
import { isBrokerError } from '../../lib/broker-errors.js';
import { errText } from '../../lib/errors.js';
import { cents, round6 } from '../../lib/numbers.js';
import { pgInt, pgNumeric, pgText, pgTimestamp } from '../../lib/sql-columns.js';
import { rowOf, rowsOf } from '../../lib/sql-rows.js';
import { nyTimeToInstant } from '../../engine/calendar/index.js';
import { krxTimeToInstant } from '../../engine/calendar/krx/index.js';
import { MARKETS, type Market } from '../../engine/market/markets.js';
import { marketCalendar, marketDayOf } from '../../engine/market/session-day.js';
import { storedSource, type MarkOrigin } from '../portfolio/mark-source.js';
import { orderFiledInWindowSql, tradeWindow } from '../portfolio/trade-date.js';

export interface MarkToMarketDeps {
  db: UnitOfWork;
  /**
   * The book marked (default US): only this market's positions, fills and orders, dated on its
   * exchange calendar, into its own `equity_marks` row (keyed (market, date), in its currency). A
   * market's `broker` and `startingCash` are its own; amounts are never summed across markets.
   */
  market?: Market;
  /**
   * When given, equity and cash come from the broker account (else from our
   * own books), and a mark of today's New York date prices each position at
   * the broker's current price when it reports one (Alpaca; the paper broker
   * reports none), else at the bar close.
   */
  broker?: Broker;
  /**
   * Price of a symbol as of `date` with the date it belongs to; null when
   * unknown. Default: the latest `bars_daily` close on or before `date`.
   */
  price?: (symbol: string, date: string) => Promise<{ price: number; date: string } | null>;
  /** Cash of the account before any fill we booked; used only without a broker. Default 0. */
  startingCash?: number;
  /** Symbol whose close on `date` is stored as `benchmark_close`. Default SPY for US; none for KR (stored NULL). */
  benchmarkSymbol?: string;
  audit?: { append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number> };
  now?: () => Date;
  logger?: Logger;
}

export interface PositionMark {
  symbol: string;
  strategy: string;
  qty: number;
  avgCost: number;
  price: number;
  /** Date of the price used (the last bar on or before the mark date). */
  priceDate: string | null;
  /** `broker` (its current price), `bars` / `injected`, or `last_price` / `avg_cost` when no price was found (see `missing`). */
  source: 'broker' | 'bars' | 'injected' | 'last_price' | 'avg_cost';
  /** Where the price came from, as shown next to it; null when no price was found for the date (`last_price` / `avg_cost`). */
  origin: MarkOrigin | null;
  /** Set when the broker was asked for today's prices and gave none for this position (it is marked at the bar close instead). */
  brokerMissing?: true;
  unrealizedPnl: number;
}

export interface MarkToMarketResult {
  date: string;
  positions: PositionMark[];
  /** Positions marked without a price for the date (at their last known price or cost). */
  missing: string[];
  cash: number;
  marketValue: number;
  equity: number;
  /** `broker`: account equity and cash; `books`: startingCash + our fills + market value. */
  equitySource: 'broker' | 'books';
  /** Σ orders.realized_pnl of orders filed under the session `date` (see src/trading/portfolio/trade-date.ts). */
  realizedPnl: number;
  unrealizedPnl: number;
  benchmarkClose: number | null;
}

/** A position with shares, numerics as text. */
const OpenPosition = z.object({
  symbol: pgText,
  strategy: pgText,
  qty: pgInt,
  avg_cost: pgNumeric,
  last_price: pgNumeric.nullable(),
  last_price_source: pgText.nullable(),
  last_price_at: pgTimestamp.nullable(),
});
/** A sum of numerics (text). */
const SumRow = z.object({ s: pgNumeric.nullable() });
/** A daily close (double precision). */
const CloseRow = z.object({ close: pgInt });
/** A daily close with its date (as text). */
const DatedCloseRow = z.object({ close: pgInt, date: pgText });
/** Net cash of every fill (numeric, as text). */
const NetRow = z.object({ net: pgNumeric.nullable() });

/**
 * Daily mark-to-market for `date` (a New York session date): every position
 * with shares is priced (the latest close on or before `date`, or the
 * injected price), `position_marks` and `equity_marks` are upserted and
 * `positions.last_price` is updated — all in one transaction. Idempotent per
 * date: running it again replaces that date's marks (marks of positions
 * closed since are removed, so the date's rows are always one snapshot).
 * `positions.last_price` only moves forward in time: marking an old date
 * never overwrites a newer price.
 *
 * @throws MarkToMarketError for a malformed date.
 */
export async function markToMarket(deps: MarkToMarketDeps, opts: { date: string }): Promise<MarkToMarketResult> {
  const { date } = opts;
  const market = deps.market ?? 'US';
  const { currency } = MARKETS[market];
  // Won are whole (an average cost over several fills may carry a fraction; a marked amount cannot).
  const amount = market === 'KR' ? (v: number) => roundKrw(v, 'round') : round6;
  const calendar = marketCalendar(market);
  try {
    calendar.isSession(date); // throws on a malformed date or one outside the calendar
  } catch {
    throw new MarkToMarketError(`mark-to-market date must be a YYYY-MM-DD date within 2000–2050, not ${JSON.stringify(String(date).slice(0, 30))}; pass the session date to mark`);
  }
  const now = (deps.now ?? (() => new Date()))();
  const priceOf = deps.price ?? ((s: string, d: string) => closeOnOrBefore(deps.db, s, d));
  const open = await rowsOf(deps.db, OpenPosition, `SELECT symbol, strategy, qty, avg_cost, last_price, last_price_source, last_price_at FROM positions WHERE qty > 0 AND market = $1 ORDER BY symbol, strategy`,
    [market],
  );
  // The broker's current price is now's price: it marks today's date only, never a back-filled one.
  const live = open.length > 0 && deps.broker && marketDayOf(market, now.getTime()) === date ? await brokerPrices(deps, deps.broker) : null;

  const marks: PositionMark[] = [];
  const writes: { mark: PositionMark; stored: { source: string | null; at: Date | null }; priceAt: Date | null }[] = [];
  const missing: string[] = [];
  for (const p of open) {
    const avgCost = Number(p.avg_cost);
    const got = await priceOf(p.symbol, date).catch((e: unknown) => {
      deps.logger?.warn({ symbol: p.symbol, err: errText(e) }, 'mark-to-market: no price');
      return null;
    });
    let price: number;
    let priceDate: string | null = null;
    let source: PositionMark['source'];
    let origin: MarkOrigin | null = null;
    let priceAt: Date | null = null;
    const brokerPrice = live?.prices.get(p.symbol);
    if (brokerPrice !== undefined) {
      price = brokerPrice;
      priceDate = date;
      source = 'broker';
      priceAt = now;
      origin = { kind: 'broker', broker: live!.broker, at: now };
    } else if (got && Number.isFinite(got.price) && got.price > 0) {
      price = got.price;
      priceDate = got.date;
      source = deps.price ? 'injected' : 'bars';
      priceAt = new Date(closeInstant(market, got.date));
      origin = { kind: 'close', date: got.date };
    } else {
      missing.push(p.symbol);
      price = p.last_price !== null ? Number(p.last_price) : avgCost;
      source = p.last_price !== null ? 'last_price' : 'avg_cost';
    }
    // The last price re-used as is keeps the source it was recorded with.
    const stored =
      source === 'last_price'
        ? { source: p.last_price_source, at: p.last_price_at }
        : { source: storedSource(origin ?? { kind: 'cost' }), at: priceAt };
    const mark: PositionMark = { symbol: p.symbol, strategy: p.strategy, qty: p.qty, avgCost, price, priceDate, source, origin, unrealizedPnl: amount((price - avgCost) * p.qty) };
    if (live?.asked && source !== 'broker') mark.brokerMissing = true;
    marks.push(mark);
    writes.push({ mark, stored, priceAt });
  }

  const marketValue = amount(marks.reduce((s, m) => s + m.qty * m.price, 0));
  const unrealized = round6(marks.reduce((s, m) => s + m.unrealizedPnl, 0));
  // A trade is filed under the session of its fill: a Saturday sell is Monday's, never Friday's.
  const window = tradeWindow(date, date, market);
  const realizedRow = await rowOf(
    deps.db,
    SumRow,
    `SELECT COALESCE(SUM(realized_pnl), 0) AS s FROM orders o WHERE booked_at IS NOT NULL AND o.market = $3 AND ${orderFiledInWindowSql('o', '$1', '$2')}`,
    [window.after, window.through, market],
  );
  const realized = round6(Number(realizedRow?.s ?? 0));
  const { cash, equity, source: equitySource } = await equityOf(deps, market, marketValue);
  const benchmarkSymbol = deps.benchmarkSymbol ?? (market === 'US' ? 'SPY' : null);
  const bench = benchmarkSymbol === null ? null : await rowOf(deps.db, CloseRow, `SELECT close FROM bars_daily WHERE symbol = $1 AND date = $2`, [benchmarkSymbol, date]);
  const benchmarkClose = bench?.close ?? null;

  await deps.db.transaction(async (tx) => {
    await tx.exec(`DELETE FROM position_marks WHERE date = $1 AND market = $2`, [date, market]);
    for (const { mark: m, stored, priceAt } of writes) {
      await tx.exec(
        `INSERT INTO position_marks (date, symbol, strategy, qty, avg_cost, price, unrealized_pnl, price_source, price_at, market, currency) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (date, symbol, strategy) DO UPDATE SET qty = EXCLUDED.qty, avg_cost = EXCLUDED.avg_cost, price = EXCLUDED.price, unrealized_pnl = EXCLUDED.unrealized_pnl,
           price_source = EXCLUDED.price_source, price_at = EXCLUDED.price_at`,
        [date, m.symbol, m.strategy, m.qty, m.avgCost, m.price, m.unrealizedPnl, stored.source, stored.at, market, currency],
      );
      if (priceAt !== null) {
        await tx.exec(
          `UPDATE positions SET last_price = $3, last_price_at = $4, last_price_source = $5 WHERE symbol = $1 AND strategy = $2 AND (last_price_at IS NULL OR last_price_at <= $4)`,
          [m.symbol, m.strategy, m.price, priceAt, stored.source],
        );
      }
    }
    await tx.exec(
      `INSERT INTO equity_marks (market, currency, date, equity, cash, market_value, realized_pnl, unrealized_pnl, benchmark_close, marked_at) VALUES ($9, $10, $1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (market, date) DO UPDATE SET equity = EXCLUDED.equity, cash = EXCLUDED.cash, market_value = EXCLUDED.market_value, realized_pnl = EXCLUDED.realized_pnl,
         unrealized_pnl = EXCLUDED.unrealized_pnl, benchmark_close = EXCLUDED.benchmark_close, marked_at = EXCLUDED.marked_at`,
      [date, equity, cash, marketValue, realized, unrealized, benchmarkClose, now, market, currency],
    );
  });

  const result: MarkToMarketResult = {
    date,
    positions: marks,
    missing,
    cash: cents(cash),
    marketValue: cents(marketValue),
    equity: cents(equity),
    equitySource,
    realizedPnl: cents(realized),
    unrealizedPnl: cents(unrealized),
    benchmarkClose,
  };
  try {
    await deps.audit?.append({ action: 'mtm.run', actor: 'mark-to-market', date, positions: marks.length, missing, equity: result.equity, realizedPnl: result.realizedPnl, unrealizedPnl: result.unrealizedPnl });
  } catch (e) {
    deps.logger?.error({ err: errText(e) }, 'audit append failed');
  }
  return result;
}

/** A mark-to-market call that cannot run as asked. */
export class MarkToMarketError extends Error {
  override readonly name = 'MarkToMarketError';
}

/** The latest stored close of `symbol` on or before `date`, with its date; null when there is none. */
export async function closeOnOrBefore(db: SqlSession, symbol: string, date: string): Promise<{ price: number; date: string } | null> {
  const found = await rowOf(db, DatedCloseRow, `SELECT close, date::text AS date FROM bars_daily WHERE symbol = $1 AND date <= $2 ORDER BY date DESC LIMIT 1`, [symbol, date]);
  return found ? { price: Number(found.close), date: found.date } : null;
}

/**
 * The broker's current price of each symbol it holds long. `asked`: the
 * broker prices positions (it priced at least one) or could not be asked —
 * then a position without a broker price is marked at its bar close and says
 * the broker gave none. A broker that prices nothing (the paper broker)
 * leaves plain bar closes.
 */
async function brokerPrices(deps: MarkToMarketDeps, broker: Broker): Promise<{ broker: string; prices: Map<string, number>; asked: boolean }> {
  try {
    const prices = new Map<string, number>();
    for (const p of await broker.listPositions()) {
      if (p.qty > 0 && p.currentPrice !== null && Number.isFinite(p.currentPrice) && p.currentPrice > 0) prices.set(p.symbol.toUpperCase(), p.currentPrice);
    }
    return { broker: broker.name, prices, asked: prices.size > 0 };
  } catch (e) {
    if (!isBrokerError(e)) throw e;
    deps.logger?.warn({ err: e.message }, 'mark-to-market: broker positions unavailable; marking at bar closes');
    return { broker: broker.name, prices: new Map(), asked: true };
  }
}

async function equityOf(deps: MarkToMarketDeps, market: Market, marketValue: number): Promise<{ cash: number; equity: number; source: 'broker' | 'books' }> {
  if (deps.broker) {
    try {
      const a = await deps.broker.account();
      return { cash: round6(a.cash), equity: round6(a.equity), source: 'broker' };
    } catch (e) {
      if (!isBrokerError(e)) throw e;
      deps.logger?.warn({ err: e.message }, 'mark-to-market: broker account unavailable; equity from our books');
    }
  }
  // Without the broker: cash = starting cash − what our buys cost + what our sells brought in.
  const flows = await rowOf(deps.db, NetRow, `SELECT COALESCE(SUM(CASE WHEN side = 'sell' THEN qty * price ELSE -qty * price END), 0) AS net FROM fills WHERE market = $1`, [market]);
  const cash = round6((deps.startingCash ?? 0) + Number(flows?.net ?? 0));
  return { cash, equity: round6(cash + marketValue), source: 'books' };
}

/**
 * The close instant of a session date on the market's calendar (NYSE: 16:00 New York, 13:00 on early
 * closes; KRX: 15:30 Seoul, later on a late-open day); for a non-session, the regular close time.
 */
function closeInstant(market: Market, date: string): number {
  return marketCalendar(market).sessionInfo(date)?.close ?? (market === 'KR' ? krxTimeToInstant(date, '15:30') : nyTimeToInstant(date, '16:00'));
}

/**
 * Realized P&L net of fees, per currency (issue 15). The fees are those the
 * paper books recorded on their fills (paper_fills.fee, in the fill's
 * currency); no other broker's fees are stored yet, so for them the figure is
 * simply absent.
 *
 * Which fees: every fill of every order filed in the window (entries and
 * exits, by the one filing rule of ./trade-date.ts) — the fees paid in the
 * period, as the cash account paid them. An entry's commission therefore
 * counts in the period it was paid, not in the one its position is closed in.
 * Amounts are never summed across currencies: each currency has its own
 * gross, fees and net, and gross − fees = net within it.
 */
import { z } from 'zod';
import type { SqlSession } from '../../adapters/db/port.js';
import type { Currency } from '../../lib/money.js';
import type { Market } from '../../engine/market/markets.js';
import { pgInt, pgNumeric } from '../../lib/sql-columns.js';
import { rowsOf } from '../../lib/sql-rows.js';
import { numOr0, round6 } from './rows.js';
import { orderFiledInWindowSql } from './trade-date.js';

/** Realized P&L of one currency before and after the fees known for the period's fills. */
export interface RealizedNet {
  currency: Currency;
  /** Σ orders.realized_pnl in this currency (as `realized.total`, one currency only). */
  gross: number;
  /** Σ of the fees recorded on the period's fills in this currency. */
  fees: number;
  /** gross − fees. */
  net: number;
  /** Fills of the period with a recorded fee. */
  fillsWithFee: number;
  /** Fills of the period whose fee is not known (not charged, or no rate on file): not in `fees`. */
  fillsFeeUnknown: number;
}

const CURRENCY = z.enum(['USD', 'KRW']);
const GrossRow = z.object({ currency: CURRENCY, gross: pgNumeric });
const FeeRow = z.object({ currency: CURRENCY, fees: pgNumeric, known: pgInt, unknown: pgInt });

/**
 * Per currency, for the orders filed after `after` through `through` (of
 * `market` only, when given: the window is then that market's); empty when
 * none of the window's fills records a fee (the report then shows what it
 * always showed). A paper order is the trading order's when both the client
 * order id and the broker's order id match.
 */
export async function realizedNetBetween(db: SqlSession, after: string, through: string, market?: Market): Promise<RealizedNet[]> {
  const only = market === undefined ? '' : ' AND o.market = $3';
  const params = market === undefined ? [after, through] : [after, through, market];
  const [fees, gross] = await Promise.all([
    rowsOf(
      db,
      FeeRow,
      `SELECT pf.currency, COALESCE(sum(pf.fee), 0) AS fees, count(pf.fee)::int AS known, (count(*) - count(pf.fee))::int AS unknown
         FROM orders o
         JOIN paper_orders po ON po.client_order_id = o.client_order_id AND po.id::text = o.broker_order_id
         JOIN paper_fills pf ON pf.order_id = po.id
        WHERE o.booked_at IS NOT NULL AND ${orderFiledInWindowSql('o', '$1', '$2')}${only}
        GROUP BY pf.currency`,
      params,
    ),
    rowsOf(
      db,
      GrossRow,
      `SELECT o.currency, COALESCE(sum(o.realized_pnl), 0) AS gross
         FROM orders o
        WHERE o.realized_pnl IS NOT NULL AND o.booked_at IS NOT NULL AND ${orderFiledInWindowSql('o', '$1', '$2')}${only}
        GROUP BY o.currency`,
      params,
    ),
  ]);
  if (!fees.some((f) => f.known > 0)) return [];
  const grossOf = new Map(gross.map((g) => [g.currency, numOr0(g.gross)]));
  return fees
    .map((f) => {
      const g = round6(grossOf.get(f.currency) ?? 0);
      const paid = round6(numOr0(f.fees));
      return { currency: f.currency, gross: g, fees: paid, net: round6(g - paid), fillsWithFee: f.known, fillsFeeUnknown: f.unknown };
    })
    .sort((a, b) => a.currency.localeCompare(b.currency));
}

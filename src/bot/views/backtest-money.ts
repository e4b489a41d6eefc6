import { formatMoney, roundKrw } from '../../lib/money.js';
import { requestMarket, type BacktestRequest } from '../../trading/backtest/request.js';

/**
 * Amounts of a backtest in its market's currency. US: dollars with cents, as
 * the text report has always printed them. KR: whole won (₩1,234,567), never
 * "$" and never decimals; a KR run's cash, equity and P&L are whole won
 * already (fills on the KRX tick, commissions floored), and averages are
 * rounded to the won here, at the edge.
 */
export function backtestAmount(request: Pick<BacktestRequest, 'market'>, v: number): string {
  if (requestMarket(request) === 'KR') return formatMoney({ amount: roundKrw(v, 'round'), currency: 'KRW' });
  return `${v < 0 ? '-' : ''}$${Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** A fill price: US with two decimals (as before), KR in whole won (₩35,020). */
export function backtestPrice(request: Pick<BacktestRequest, 'market'>, v: number): string {
  return requestMarket(request) === 'KR' ? backtestAmount(request, v) : v.toFixed(2);
}

/**
 * What a KR run's costs are, for its summary: "KIS commission 0.015% per fill, no sell tax".
 * Null for US runs, whose lines stay as they were.
 */
export function krCostsLine(request: Pick<BacktestRequest, 'market' | 'commission'>): string | null {
  if (requestMarket(request) !== 'KR') return null;
  const c = request.commission;
  const rate = c.kind === 'krw_rate' ? c.rate : c.kind === 'bps' ? c.bps / 10_000 : c.kind === 'none' ? 0 : null;
  const commission = rate === null ? 'commission per share' : `KIS commission ${+(rate * 100).toPrecision(6)}% per fill (whole won)`;
  return `KRX sessions · fills on the KRX ETF tick · ${commission} · no sell tax (ETFs)`;
}

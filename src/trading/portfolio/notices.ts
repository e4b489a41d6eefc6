import type { ExecutionOutcome } from '../execution/execute.js';
import type { CloseChartData } from '../execution/close-chart.js';
import type { CloseResult } from '../execution/close-position.js';
import type { FillContext } from './fill-context.js';
import type { PnlReport, PositionsSnapshot, RecentOrder } from './types.js';

/**
 * What the portfolio use cases tell a chat, as typed data (codes and figures, no
 * sentences): published through the Notifier port and turned into chat text
 * by src/bot/render/portfolio.ts (and by the dashboard, later).
 */
export type PortfolioNotice =
  /** /positions: the open positions with their valuation. */
  | { kind: 'portfolio.positions'; snapshot: PositionsSnapshot }
  /** /orders: the latest orders, newest first. */
  | { kind: 'portfolio.orders'; orders: RecentOrder[] }
  /** /pnl: realized and unrealized P&L and the equity curve of one period. */
  | { kind: 'portfolio.pnl'; report: PnlReport }
  /** How an execution ended, with what the confirmation shows beyond it (stop, planned entry, candles, holding). */
  | { kind: 'portfolio.execution-outcome'; outcome: ExecutionOutcome; context: FillContext }
  /** A confirmed `/close` (or Close button): how the sale ended, and the candles of its chart (null: no chart). */
  | { kind: 'portfolio.close'; request: { symbol: string; strategy: string; qty: number; underKill: boolean }; result: CloseResult; chart: CloseChartData | null };

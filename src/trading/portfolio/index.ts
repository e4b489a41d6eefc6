/** The portfolio read model: open positions, recent orders, P&L per period, and fill-confirmation context. */
export type { EquityPoint, ExitReason, OpenPosition, OrderKind, OrderState, PeriodRange, PnlPeriod, PnlReport, PositionsSnapshot, PriceSource, RecentOrder } from './types.js';
export { PNL_PERIODS } from './types.js';
export { PERIOD_SESSIONS, periodRange } from './period.js';
export { loadOpenPositions, totalsOf, type Queryable } from './positions.js';
export { loadRecentOrders, RECENT_ORDERS, shortClientOrderId } from './orders.js';
export { loadPnl } from './pnl.js';
export { FILL_CHART_BARS, loadFillContext, type FillContext } from './fill-context.js';
export { fillChart, PERIOD_TITLES, pnlEquityChart, positionsPnlChart } from '../../bot/charts/portfolio-charts.js';
export { pnlRequestSchema, portfolioRequestSchema, type PnlRequest } from '../../jobs/payloads/portfolio.js';

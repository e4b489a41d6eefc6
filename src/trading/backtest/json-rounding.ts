import type { Metrics } from '../../engine/backtest/index.js';
import { roundToTick } from '../../engine/tick.js';
import type { BacktestReport, ReportTrade } from './report.js';

/**
 * Rounding for printed JSON only: the simulation, the stored report and the
 * fingerprints keep full precision; what a person or a script reads carries
 * prices on the tick and money in cents, not binary noise (9952.859999999999).
 */

/** Money to the cent (half away from zero); -0 becomes 0. */
export function cents(v: number): number {
  if (!Number.isFinite(v)) return v;
  const r = (Math.sign(v) * Math.round(Math.abs(v) * 100 + 1e-9)) / 100;
  return r === 0 ? 0 : r;
}

/** Won to the whole won (half away from zero); -0 becomes 0. KR amounts are whole won already, except averages. */
export function won(v: number): number {
  if (!Number.isFinite(v)) return v;
  const r = Math.sign(v) * Math.round(Math.abs(v) + 1e-9);
  return r === 0 ? 0 : r;
}

/** A positive price to its tick ($0.01 at or above $1, $0.0001 below); anything else unchanged. */
export function tick(v: number): number {
  return Number.isFinite(v) && v > 0 ? roundToTick(v) : v;
}

/** A ratio without float noise: 12 significant digits (e.g. 0.30000000000000004 → 0.3). */
export function ratio(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(12)) : v;
}

const centsOf = cents;
const maybe = (f: (v: number) => number) => (v: number | null) => (v === null ? null : f(v));

/** A trade with fills on the tick and pnl/commission in cents (whole won with `kr`: its fills are on the KRX tick already). */
export function roundedTrade(t: ReportTrade, kr = false): ReportTrade {
  const money = kr ? won : cents;
  const price = kr ? won : tick;
  return { ...t, entryPrice: price(t.entryPrice), exitPrice: price(t.exitPrice), pnl: money(t.pnl), pnlPct: ratio(t.pnlPct), commission: money(t.commission) };
}

/** Metrics with money in cents (whole won with `kr`) and ratios without float noise. */
export function roundedMetrics(m: Metrics, kr = false): Metrics {
  const r = maybe(ratio);
  const cents = kr ? won : centsOf;
  const c = maybe(cents);
  return {
    ...m,
    initialEquity: cents(m.initialEquity),
    finalEquity: cents(m.finalEquity),
    totalReturn: ratio(m.totalReturn),
    cagr: r(m.cagr),
    volatility: r(m.volatility),
    sharpe: r(m.sharpe),
    sortino: r(m.sortino),
    maxDrawdown: ratio(m.maxDrawdown),
    calmar: r(m.calmar),
    winRate: r(m.winRate),
    grossProfit: cents(m.grossProfit),
    grossLoss: cents(m.grossLoss),
    profitFactor: r(m.profitFactor),
    expectancy: c(m.expectancy),
    expectancyPct: r(m.expectancyPct),
    avgWin: c(m.avgWin),
    avgLoss: c(m.avgLoss),
    payoffRatio: r(m.payoffRatio),
    avgBarsHeld: r(m.avgBarsHeld),
    exposure: r(m.exposure),
    timeInMarket: r(m.timeInMarket),
  };
}

/** The report as printed: every Metrics in it rounded (portfolio, strategies, benchmark, walk-forward); KR money in whole won. */
export function roundedReport(report: BacktestReport): BacktestReport {
  const kr = report.request.market === 'KR';
  return {
    ...report,
    metrics: roundedMetrics(report.metrics, kr),
    strategies: report.strategies.map((s) => ({ ...s, metrics: roundedMetrics(s.metrics, kr) })),
    benchmark: report.benchmark
      ? { ...report.benchmark, metrics: roundedMetrics(report.benchmark.metrics, kr), ...(report.benchmark.portfolioReturn !== undefined ? { portfolioReturn: ratio(report.benchmark.portfolioReturn) } : {}) }
      : null,
    walkForward: report.walkForward?.map((w) => ({ ...w, metrics: roundedMetrics(w.metrics, kr) })) ?? null,
  };
}

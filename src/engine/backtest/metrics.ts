import { EXIT_REASONS, type ExitReason } from './exit-rules.js';

/** Trading days per year used to annualise everything. */
export const TRADING_DAYS_PER_YEAR = 252;

/** The trade fields metrics need (portfolio trades satisfy this). */
export interface MetricsTrade {
  pnl: number;
  pnlPct: number;
  barsHeld: number;
  exitReason: ExitReason;
}

/** Input to {@link computeMetrics}. */
export interface MetricsInput {
  /** Dates of the equity points, ascending. */
  dates: readonly string[];
  /** Equity at each date's close; the first point is the starting capital. */
  equity: ArrayLike<number>;
  trades?: readonly MetricsTrade[];
  /** Gross exposure (market value / equity) per date, if known. */
  exposure?: ArrayLike<number>;
}

/**
 * Performance summary of one equity curve and its trades.
 *
 * Conventions (all fixed by the project design):
 * - Daily returns are r_i = e_i / e_{i−1} − 1 for i ≥ 1, so n points give n−1 returns.
 * - `cagr` = (final/initial)^(252 / numberOfDailyReturns) − 1; null with no returns.
 * - `sharpe` = mean(r) / sd(r) · √252 with the sample sd (n−1) and rf = 0;
 *   null when there are fewer than two returns or they are all equal (sd = 0).
 * - `sortino` = mean(r) / dd · √252 where dd = √(Σ min(r,0)² / count): target 0,
 *   every return in the denominator; null when no return is negative.
 * - `maxDrawdown` is a positive fraction of the running peak; dates are null when it is 0.
 * - `calmar` = cagr / maxDrawdown; null when either is null/zero.
 * - A win is pnl > 0 and a loss pnl < 0 (breakeven trades are neither but count as trades).
 * - `profitFactor` = gross profit / gross loss; null when there is no loss
 *   (it would be +∞, or 0/0 with no trades).
 * - Trade averages are null when there is nothing to average.
 */
export interface Metrics {
  startDate: string;
  endDate: string;
  days: number;
  initialEquity: number;
  finalEquity: number;
  totalReturn: number;
  cagr: number | null;
  /** Annualised sample sd of daily returns. */
  volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number;
  maxDrawdownPeakDate: string | null;
  maxDrawdownTroughDate: string | null;
  calmar: number | null;
  tradeCount: number;
  wins: number;
  losses: number;
  winRate: number | null;
  grossProfit: number;
  /** Sum of losing pnl as a positive number. */
  grossLoss: number;
  profitFactor: number | null;
  /** Mean pnl per trade in currency. */
  expectancy: number | null;
  /** Mean pnlPct per trade. */
  expectancyPct: number | null;
  avgWin: number | null;
  /** Mean losing pnl (a negative number). */
  avgLoss: number | null;
  /** avgWin / |avgLoss|. */
  payoffRatio: number | null;
  avgBarsHeld: number | null;
  /** Mean daily gross exposure (market value / equity); null when not supplied. */
  exposure: number | null;
  /** Fraction of days with any exposure; null when not supplied. */
  timeInMarket: number | null;
  exitReasons: Record<ExitReason, number>;
}

/**
 * Computes {@link Metrics} from a daily equity curve and its trades.
 *
 * @throws RangeError for an empty curve or mismatched lengths
 */
export function computeMetrics(input: MetricsInput): Metrics {
  const { dates, equity } = input;
  const n = equity.length;
  if (n === 0) throw new RangeError('metrics need at least one equity point');
  if (dates.length !== n) throw new RangeError(`dates (${dates.length}) and equity (${n}) differ in length`);

  const initial = equity[0]!;
  const final = equity[n - 1]!;
  const m = n - 1;

  let sum = 0;
  let downSq = 0;
  let minR = Infinity;
  let maxR = -Infinity;
  for (let i = 1; i < n; i++) {
    const prev = equity[i - 1]!;
    // A wiped-out account cannot earn a return; counting 0 keeps the stats finite.
    const r = prev > 0 ? equity[i]! / prev - 1 : 0;
    sum += r;
    if (r < 0) downSq += r * r;
    if (r < minR) minR = r;
    if (r > maxR) maxR = r;
  }
  const mean = m > 0 ? sum / m : 0;
  let sq = 0;
  for (let i = 1; i < n; i++) {
    const prev = equity[i - 1]!;
    const r = prev > 0 ? equity[i]! / prev - 1 : 0;
    sq += (r - mean) * (r - mean);
  }
  const ann = Math.sqrt(TRADING_DAYS_PER_YEAR);
  // Equal returns have sd 0 mathematically even if the float sum says 1e-19.
  const sd = m >= 2 && minR !== maxR ? Math.sqrt(sq / (m - 1)) : 0;
  const sharpe = sd > 0 ? (mean / sd) * ann : null;
  const volatility = m >= 2 ? sd * ann : null;
  const downDev = m > 0 ? Math.sqrt(downSq / m) : 0;
  const sortino = downDev > 0 ? (mean / downDev) * ann : null;

  const cagr = m > 0 && initial > 0 ? Math.pow(final / initial, TRADING_DAYS_PER_YEAR / m) - 1 : null;

  let peak = initial;
  let peakIdx = 0;
  let maxDd = 0;
  let ddPeak = -1;
  let ddTrough = -1;
  for (let i = 0; i < n; i++) {
    const e = equity[i]!;
    if (e > peak) {
      peak = e;
      peakIdx = i;
    }
    const dd = peak > 0 ? (peak - e) / peak : 0;
    if (dd > maxDd) {
      maxDd = dd;
      ddPeak = peakIdx;
      ddTrough = i;
    }
  }
  const calmar = cagr !== null && maxDd > 0 ? cagr / maxDd : null;

  const trades = input.trades ?? [];
  const exitReasons = Object.fromEntries(EXIT_REASONS.map((r) => [r, 0])) as Record<ExitReason, number>;
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let pnlSum = 0;
  let pctSum = 0;
  let barsSum = 0;
  for (const t of trades) {
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
    } else if (t.pnl < 0) {
      losses++;
      grossLoss -= t.pnl;
    }
    pnlSum += t.pnl;
    pctSum += t.pnlPct;
    barsSum += t.barsHeld;
    exitReasons[t.exitReason]++;
  }
  const count = trades.length;
  const avgWin = wins > 0 ? grossProfit / wins : null;
  const avgLoss = losses > 0 ? -grossLoss / losses : null;

  let exposure: number | null = null;
  let timeInMarket: number | null = null;
  if (input.exposure !== undefined) {
    const ex = input.exposure;
    let s = 0;
    let inMarket = 0;
    for (let i = 0; i < ex.length; i++) {
      s += ex[i]!;
      if (ex[i]! > 0) inMarket++;
    }
    exposure = ex.length > 0 ? s / ex.length : null;
    timeInMarket = ex.length > 0 ? inMarket / ex.length : null;
  }

  return {
    startDate: dates[0]!,
    endDate: dates[n - 1]!,
    days: n,
    initialEquity: initial,
    finalEquity: final,
    totalReturn: initial > 0 ? final / initial - 1 : 0,
    cagr,
    volatility,
    sharpe,
    sortino,
    maxDrawdown: maxDd,
    maxDrawdownPeakDate: ddPeak >= 0 ? dates[ddPeak]! : null,
    maxDrawdownTroughDate: ddTrough >= 0 ? dates[ddTrough]! : null,
    calmar,
    tradeCount: count,
    wins,
    losses,
    winRate: count > 0 ? wins / count : null,
    grossProfit,
    grossLoss,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancy: count > 0 ? pnlSum / count : null,
    expectancyPct: count > 0 ? pctSum / count : null,
    avgWin,
    avgLoss,
    payoffRatio: avgWin !== null && avgLoss !== null ? avgWin / -avgLoss : null,
    avgBarsHeld: count > 0 ? barsSum / count : null,
    exposure,
    timeInMarket,
    exitReasons,
  };
}

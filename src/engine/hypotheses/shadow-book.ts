/**
 * The shadow book of a PAPER or LIVE hypothesis (DESIGN section 9): every
 * signal traded by the backtest's fill rules, no broker, no approval, marked
 * to market at every close. Pure and recomputed from bars and signals each
 * session, so the trading layer keeps no mutable book state.
 */
import type { BarSeries } from '../bars.js';
import { buildCalendar, dateKey } from '../backtest/calendar.js';
import { EXIT_NONE, exitCodeAt, exitPriceOf, exitReasonOf, type ExitReason } from '../backtest/exit-rules.js';
import { buyFill, sellFill } from '../backtest/fills.js';
import { commissionFor, type CommissionModel } from '../backtest/commission.js';
import type { FillOnGrid } from './market-rules.js';
import { signalBarIndex } from '../backtest/signal-bar.js';
import type { Signal, SignalSourceId } from '../signal.js';

/** Input to {@link runShadowBook}. */
export interface ShadowBookInput {
  /** Bars of every symbol the signals name (more is fine; they only widen the calendar). */
  series: readonly BarSeries[];
  /** The hypothesis's signals for its fixed parameters, computed by the caller; any order. */
  signals: readonly Signal[];
  /** First session of the book (ISO date, inclusive): the hypothesis's first day in the state. */
  from: string;
  /** Last session of the book (ISO date, inclusive): usually the latest close. */
  to: string;
  /** Book value at the close of `from`. Default 100,000. */
  startEquity?: number;
  /** Fraction of book equity risked per trade (entry − stop). Default 0.01. */
  riskPct?: number;
  /** Slippage per side in basis points, as in the backtest. Default 5. */
  slippageBps?: number;
  /**
   * Commission on every fill (entry and exit), in the book's currency (KR: the KIS rate). Default
   * none: the book's P&L is then exactly what it always was.
   */
  commission?: CommissionModel;
  /** Puts each fill (after slippage) on the market's price grid (KR: the KRX ETF tick); default raw prices. */
  fill?: FillOnGrid;
}

/** One shadow trade; the exit fields are null while it is open. Prices are fills (slippage included). */
export interface ShadowTrade {
  symbol: string;
  strategy: SignalSourceId;
  signalDate: string;
  /** Bar 1 of the trade: the symbol's next bar after the signal. */
  entryDate: string;
  entryPrice: number;
  stop: number;
  target: number | null;
  qty: number;
  exitDate: string | null;
  exitPrice: number | null;
  exitReason: ExitReason | null;
  /** qty · (exit − entry) less the entry and exit commissions (none by default). */
  pnl: number | null;
  /** R multiple: pnl / (qty · (entry − stop)); (exit − entry) / (entry − stop) without commission. */
  r: number | null;
  /** Bars in the trade counting the entry bar as 1. */
  barsHeld: number | null;
}

/** A trade still open at the book's last session, with its mark. */
export interface ShadowOpenTrade extends ShadowTrade {
  exitDate: null;
  exitPrice: null;
  exitReason: null;
  pnl: null;
  r: null;
  barsHeld: null;
  /** Date of the close it is marked at (its symbol's last bar ≤ `to`). */
  markDate: string;
  markPrice: number;
  /** qty · (mark − entry). */
  unrealisedPnl: number;
}

/** Why the book did not trade a signal. */
export type ShadowSkipReason =
  | 'gap_below_stop'
  | 'already_in_position'
  | 'qty_below_one'
  | 'unknown_symbol'
  | 'signal_bar_not_found';

/** A signal the book did not trade, and why. */
export interface ShadowSkip {
  symbol: string;
  signalDate: string;
  reason: ShadowSkipReason;
}

/** A signal whose entry bar is not there yet (after `to`): it enters at the symbol's next open. */
export interface ShadowPending {
  symbol: string;
  signalDate: string;
}

/** The book: plain JSON-able data. */
export interface ShadowBook {
  from: string;
  to: string;
  startEquity: number;
  riskPct: number;
  slippageBps: number;
  /** Sessions of the book: the union of the series' dates in [from, to]. */
  dates: string[];
  /** Close-of-session value: startEquity + realised + unrealised, aligned with `dates`. */
  equity: number[];
  /** Every trade taken, in entry order (entry date, then signal date, symbol, strategy); open ones included. */
  trades: ShadowTrade[];
  /** The trades open at `to`, with their marks, in entry order. */
  open: ShadowOpenTrade[];
  /** In decision order. */
  skipped: ShadowSkip[];
  /** Signals in [from, to] still waiting for their entry bar. */
  pending: ShadowPending[];
}

interface Candidate {
  signal: Signal;
  series: BarSeries;
  barDay: Int32Array;
  /** Signal bar index in the series. */
  t: number;
  signalDay: number;
  entryDay: number;
}

interface Position {
  c: Candidate;
  trade: ShadowTrade;
  /** Next bar of the symbol to process. */
  cur: number;
  target: number;
  lastClose: number;
  lastDate: string;
  /** Commission paid at the entry (0 without a commission model). */
  entryFee: number;
}

/**
 * Runs the shadow book over the sessions [from, to].
 *
 * A signal dated in [from, to) whose symbol has a next bar on or before `to`
 * is entered at that bar's open plus slippage, exactly as {@link simulateTrade}
 * and the portfolio backtest would: skipped when that open is at or below the
 * stop (`gap_below_stop`), or when the same symbol and strategy is still held
 * at the close of the signal bar (`already_in_position`, the backtest's rule).
 * Size = floor(riskPct · book equity at the close of the signal date /
 * (entry − stop)); below one share it is skipped (`qty_below_one`). Unlike the
 * portfolio backtest there is no cash, position-count or position-size limit:
 * this is a measuring book, not an account, and it may be levered (the sum of
 * its open positions can exceed its equity). Exits follow the shared exit rules
 * ({@link exitCodeAt}) on each of the symbol's bars; the book has no
 * end-of-data exit: a trade still running at `to` stays open, marked at its
 * symbol's last close (also when that symbol's bars stopped earlier).
 *
 * Deterministic and independent of the order of `series` and `signals`.
 * Prefix-stable: running with a later `to` never changes the equity of an
 * earlier session, nor a trade closed by then (only open trades, `pending`
 * and later sessions change), so the trading layer can recompute the book
 * every session from bars and signals.
 *
 * @throws RangeError for a malformed or inverted date range, non-positive
 *   equity, a riskPct outside (0, 1], negative slippage or duplicate series
 */
export function runShadowBook(input: ShadowBookInput): ShadowBook {
  const startEquity = input.startEquity ?? 100_000;
  const riskPct = input.riskPct ?? 0.01;
  const slippageBps = input.slippageBps ?? 5;
  const commission = input.commission ?? null;
  const fill = input.fill ?? null;
  const { from, to } = input;
  validate(from, to, startEquity, riskPct, slippageBps);

  const series = [...input.series].sort((a, b) => cmp(a.symbol, b.symbol));
  const symIndex = new Map<string, number>();
  series.forEach((s, k) => {
    if (symIndex.has(s.symbol)) throw new RangeError(`duplicate series for ${s.symbol}: pass each symbol once`);
    symIndex.set(s.symbol, k);
  });
  const cal = buildCalendar(series, from, to);
  const days = cal.dates.length;

  const skipped: ShadowSkip[] = [];
  const pending: ShadowPending[] = [];
  const candidates: Candidate[] = [];
  for (const sig of sortSignals(input.signals)) {
    if (sig.date < from || sig.date > to) continue;
    const k = symIndex.get(sig.symbol);
    if (k === undefined) {
      skipped.push({ symbol: sig.symbol, signalDate: sig.date, reason: 'unknown_symbol' });
      continue;
    }
    const s = series[k]!;
    const t = signalBarIndex(s, sig);
    if (t < 0) {
      skipped.push({ symbol: sig.symbol, signalDate: sig.date, reason: 'signal_bar_not_found' });
      continue;
    }
    const barDay = cal.barDay[k]!;
    const entryDay = t + 1 < s.dates.length ? barDay[t + 1]! : -1;
    if (entryDay < 0) {
      pending.push({ symbol: sig.symbol, signalDate: sig.date });
      continue;
    }
    candidates.push({ signal: sig, series: s, barDay, t, signalDay: barDay[t]!, entryDay });
  }
  // Stable sort by entry day keeps the signal order (symbol, strategy, ...) inside a day.
  candidates.sort((a, b) => a.entryDay - b.entryDay);

  const equity: number[] = new Array<number>(days);
  const trades: ShadowTrade[] = [];
  const held = new Set<string>();
  let open: Position[] = [];
  let realised = 0;
  let p = 0;
  for (let d = 0; d < days; d++) {
    // (1) entries at the open, sized from the equity at the signal's close
    while (p < candidates.length && candidates[p]!.entryDay === d) {
      const c = candidates[p++]!;
      const sig = c.signal;
      const key = `${sig.symbol}\u0000${sig.strategy}`;
      const skip = (reason: ShadowSkipReason) => skipped.push({ symbol: sig.symbol, signalDate: sig.date, reason });
      if (held.has(key)) {
        skip('already_in_position');
        continue;
      }
      const rawOpen = c.series.open[c.t + 1]!;
      if (rawOpen <= sig.stop) {
        skip('gap_below_stop');
        continue;
      }
      const entryDate = c.series.dates[c.t + 1]!;
      const entryPrice = fill ? fill(buyFill(rawOpen, slippageBps), entryDate, 'buy') : buyFill(rawOpen, slippageBps);
      const qty = Math.floor((riskPct * equity[c.signalDay]!) / (entryPrice - sig.stop));
      if (!(qty >= 1)) {
        skip('qty_below_one');
        continue;
      }
      held.add(key);
      // The entry commission is paid at the entry: it lowers the book from that close on.
      const entryFee = commission ? commissionFor(commission, qty, entryPrice) : 0;
      realised -= entryFee;
      const trade: ShadowTrade = {
        symbol: sig.symbol,
        strategy: sig.strategy,
        signalDate: sig.date,
        entryDate,
        entryPrice,
        stop: sig.stop,
        target: sig.target,
        qty,
        exitDate: null,
        exitPrice: null,
        exitReason: null,
        pnl: null,
        r: null,
        barsHeld: null,
      };
      trades.push(trade);
      open.push({ c, trade, cur: c.t + 1, target: sig.target ?? Number.NaN, lastClose: rawOpen, lastDate: trade.entryDate, entryFee });
    }

    // (2) exits on the symbol's bar today, (3) marks at the close
    let unrealised = 0;
    let closedToday = false;
    for (const pos of open) {
      const { c, trade } = pos;
      const i = pos.cur;
      if (i < c.barDay.length && c.barDay[i] === d) {
        // lastIndex −1: the book has no end-of-data exit; a running trade stays open at `to`.
        const code = exitCodeAt(c.series, i, i - c.t, trade.stop, pos.target, c.signal.timeStopBars, -1);
        if (code !== EXIT_NONE) {
          const exitDate = c.series.dates[i]!;
          const slipped = sellFill(exitPriceOf(code, c.series, i, trade.stop, pos.target), slippageBps);
          const exitPrice = fill ? fill(slipped, exitDate, 'sell') : slipped;
          const gross = trade.qty * (exitPrice - trade.entryPrice);
          const exitFee = commission ? commissionFor(commission, trade.qty, exitPrice) : 0;
          realised += gross - exitFee;
          const pnl = commission ? gross - pos.entryFee - exitFee : gross;
          trade.exitDate = c.series.dates[i]!;
          trade.exitPrice = exitPrice;
          trade.exitReason = exitReasonOf(code);
          trade.pnl = pnl;
          // Without commission R stays the price ratio it always was (bit for bit); with it, net of both fees.
          trade.r = commission ? pnl / (trade.qty * (trade.entryPrice - trade.stop)) : (exitPrice - trade.entryPrice) / (trade.entryPrice - trade.stop);
          trade.barsHeld = i - c.t;
          held.delete(`${trade.symbol}\u0000${trade.strategy}`);
          closedToday = true;
          continue;
        }
        pos.lastClose = c.series.close[i]!;
        pos.lastDate = c.series.dates[i]!;
        pos.cur = i + 1;
      }
      unrealised += pos.trade.qty * (pos.lastClose - pos.trade.entryPrice);
    }
    // Order-preserving removal keeps the summation order the same for any `to` (prefix stability).
    if (closedToday) open = open.filter((pos) => pos.trade.exitDate === null);
    equity[d] = startEquity + realised + unrealised;
  }

  const openTrades: ShadowOpenTrade[] = open.map((pos) => ({
    ...pos.trade,
    exitDate: null,
    exitPrice: null,
    exitReason: null,
    pnl: null,
    r: null,
    barsHeld: null,
    markDate: pos.lastDate,
    markPrice: pos.lastClose,
    unrealisedPnl: pos.trade.qty * (pos.lastClose - pos.trade.entryPrice),
  }));

  return {
    from,
    to,
    startEquity,
    riskPct,
    slippageBps,
    dates: [...cal.dates],
    equity,
    trades,
    open: openTrades,
    skipped,
    pending,
  };
}

function validate(from: string, to: string, startEquity: number, riskPct: number, slippageBps: number): void {
  // dateKey throws a RangeError naming the bad string.
  if (dateKey(from) > dateKey(to)) throw new RangeError(`shadow book range is inverted: from ${from} is after to ${to}`);
  if (!(Number.isFinite(startEquity) && startEquity > 0)) {
    throw new RangeError(`startEquity must be a positive number, got ${startEquity}`);
  }
  if (!(riskPct > 0 && riskPct <= 1)) throw new RangeError(`riskPct must be a fraction in (0, 1] (0.01 = 1 %), got ${riskPct}`);
  if (!(Number.isFinite(slippageBps) && slippageBps >= 0)) {
    throw new RangeError(`slippageBps must be a non-negative number of basis points, got ${slippageBps}`);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A total order on signals, so the book does not depend on the order they were passed in. */
function sortSignals(signals: readonly Signal[]): Signal[] {
  return [...signals].sort(
    (a, b) =>
      cmp(a.date, b.date) ||
      cmp(a.symbol, b.symbol) ||
      cmp(a.strategy, b.strategy) ||
      b.score - a.score ||
      a.stop - b.stop ||
      (a.target ?? Infinity) - (b.target ?? Infinity) ||
      a.timeStopBars - b.timeStopBars,
  );
}

import type { OrderEndedBy } from '../../trading/execution/recorded-reasons.js';
import { bold, code, fmt, join, type FmtString } from 'telegraf/format';
import type { CandleChartSpec } from '../../adapters/charts/port.js';
import type { ExecutionOutcome, OrderSummary, RefusalGate } from '../../trading/execution/execute.js';
import { fillChart } from '../charts/portfolio-charts.js';
import { exactPrice, price } from '../format/display.js';
import type { FillContext } from '../../trading/portfolio/fill-context.js';
import { money, pct } from '../format/numbers.js';
import { amountsOfSymbol } from '../format/market-amounts.js';
import { failedReason, pendingReason } from './execution-reasons.js';
import { recordedReasonText, unfilledText } from './recorded-reasons.js';
import { KRW_FIGURE, won } from '../../engine/risk/money-words.js';
import { dateFromNumber } from '../../engine/risk/var-sentences.js';
import { marketOfSymbol } from '../../engine/market/symbols.js';
import type { Market } from '../../engine/market/markets.js';

/** A confirmation message: the text (also the chart's caption) and a chart when there is a fill to show. */
export interface FillMessage {
  text: FmtString;
  chart: CandleChartSpec | null;
}

const NO_CONTEXT: FillContext = { stop: null, plannedEntry: null, demo: false, candles: [], positionQty: null };

/** How each refusing check is named to the trader. */
export const GATE_TITLES: Readonly<Record<RefusalGate, string>> = {
  policy: 'PolicyGate',
  liquidity: 'LiquidityGate',
  position: 'position caps',
  drift: 'the drift band',
  correlation: 'the correlation limit',
  var: 'the value-at-risk limit',
  kill_switch: 'the kill switch',
  expired: 'the approval window',
  market_closed: 'the market hours',
  broker: 'the broker',
};

/**
 * What the execution worker tells the chat about an outcome. `filled`,
 * `partially_filled`, `not_filled` and `refused` are final and always sent;
 * `failed`, `pending` and `not_found` have texts too, for a worker that
 * gives up on retrying. Pass the {@link FillContext} (loadFillContext) for
 * the stop, the position and the chart; without it the text still stands.
 */
export function fillConfirmation(outcome: ExecutionOutcome, ctx: FillContext = NO_CONTEXT): FillMessage {
  switch (outcome.kind) {
    case 'filled':
    case 'partially_filled':
      return { text: filledText(outcome, ctx), chart: fillChart(outcome, ctx) };
    case 'not_filled':
      return { text: notFilledText(outcome), chart: null };
    case 'refused':
      return { text: refusedText(outcome), chart: null };
    case 'failed':
      return {
        text: fmt`❌ ${bold`Order not placed`} — ${failedReason(outcome)}\nNothing was ordered. ${outcome.retryable ? 'It will be tried again shortly.' : 'Approve a fresh pick after the next /scan, or check /status.'}`,
        chart: null,
      };
    case 'pending':
      if (outcome.cause.code === 'ambiguous') {
        return { text: fmt`⚠️ ${bold`Order not confirmed`} — ${pendingReason(outcome.cause)}${outcome.clientOrderId ? fmt`\nClient order id ${code(outcome.clientOrderId)}` : ''}`, chart: null };
      }
      return {
        text: fmt`⏳ ${bold`Order still open`} — ${pendingReason(outcome.cause)}${outcome.clientOrderId ? fmt`\nClient order id ${code(outcome.clientOrderId)}` : ''}\nIt is never sent twice; /orders shows it once the broker settles it.`,
        chart: null,
      };
    case 'not_found':
      return { text: fmt`❓ Approval ${code(outcome.approvalId)} was not found; nothing was ordered.`, chart: null };
  }
}

function verb(o: OrderSummary): string {
  return o.side === 'buy' ? 'Bought' : 'Sold';
}

/** Filled or partly filled: what, how much at what price vs the limit, money at stake, stop, ids. */
function filledText(o: ({ kind: 'filled' } | { kind: 'partially_filled' }) & OrderSummary, ctx: FillContext): FmtString {
  // The symbol's market: dollars as always for US, whole won for a KRX code.
  const { price, exactPrice, amount: money } = amountsOfSymbol(o.symbol);
  const partial = o.kind === 'partially_filled';
  const lines: (string | FmtString)[] = [
    partial
      ? fmt`🟡 ${bold`Partly filled: ${verb(o).toLowerCase()} ${o.symbol}`} — ${String(o.filledQty)} of ${String(o.qty)} shares`
      : fmt`✅ ${bold`${verb(o)} ${o.symbol}`} — ${String(o.filledQty)}/${String(o.qty)} shares filled`,
  ];
  const avg = o.avgFillPrice;
  if (avg !== null) {
    // Positive = better than the limit: lower for a buy, higher for a sell.
    const better = o.limitPrice > 0 ? (o.side === 'buy' ? o.limitPrice - avg : avg - o.limitPrice) / o.limitPrice : NaN;
    const vs = Math.abs(o.limitPrice - avg) < 0.005 ? 'at the limit' : better > 0 ? `${pct(better)} better` : `${pct(-better)} worse`;
    const planned = ctx.plannedEntry !== null ? ` · planned ${price(ctx.plannedEntry)}` : '';
    // Exact enough to multiply out: an average over several fill prices may sit between ticks.
    lines.push(`Avg ${exactPrice(avg)} vs limit ${price(o.limitPrice)} (${vs})${planned}`);
  }
  const risk = ctx.stop !== null && avg !== null && o.side === 'buy' ? ` (risk ${money(Math.max(0, (avg - ctx.stop) * o.filledQty))} to it)` : '';
  lines.push(`Notional ${money(o.filledNotional)} · stop ${ctx.stop === null ? 'not set' : exactPrice(ctx.stop)}${risk}`);
  if (partial) {
    const rest = o.qty - o.filledQty;
    // Who ended the rest, as recorded at booking (the IOC, /kill, Courtside, the broker); an older row says what its time in force implies.
    const recorded = unfilledText({ qty: o.qty, filledQty: o.filledQty, rejectReason: o.unfilledReason ?? null });
    const how = recorded ?? (o.timeInForce === 'day' ? 'cancelled by Courtside once the DAY order had rested ALPACA_DAY_CANCEL_AFTER_S' : 'canceled (immediate-or-cancel)');
    lines.push(
      recorded
        ? `The other ${rest} share${rest === 1 ? ' was' : 's were'} not filled: ${recorded}. Nothing more will fill, nothing is left working.`
        : `The other ${rest} share${rest === 1 ? ' was' : 's were'} not filled and ${rest === 1 ? 'was' : 'were'} ${how}: nothing more will fill, nothing is left working.`,
    );
  }
  if (ctx.positionQty !== null) lines.push(`Now holding ${ctx.positionQty} sh of ${o.symbol} · /positions`);
  lines.push(fmt`${o.broker}${ctx.demo ? ' · DEMO data' : ''} · ${code(o.clientOrderId)}`);
  return join(lines, '\n');
}

/** IOC with nothing filled: why, that nothing changed, and what to do. */
function notFilledText(o: Extract<ExecutionOutcome, { kind: 'not_filled' }>): FmtString {
  const { price } = amountsOfSymbol(o.symbol);
  return join(
    [
      fmt`⚪ ${bold`Not filled: ${o.symbol}`} — 0/${String(o.qty)} at limit ${price(o.limitPrice)}`,
      ...notFilledWhy(o),
      'Nothing was bought, no position was opened and the reserved budget was released.',
      fmt`${o.broker} · ${code(o.clientOrderId)}`,
    ],
    '\n',
  );
}

/** Why nothing filled and what next, from who ended the order (the broker's record and ours). */
function notFilledWhy(o: Extract<ExecutionOutcome, { kind: 'not_filled' }>): string[] {
  const by = o.reason.code === 'ioc_ended' ? (o.reason.endedBy ?? 'ioc') : null;
  if (by === null || by === 'ioc') {
    return [
      `No shares were offered at or ${o.side === 'buy' ? 'below' : 'above'} the limit while the immediate-or-cancel order was live (${recordedReasonText(o.reason)}).`,
      'What next: nothing to undo. The price moved away; wait for the next /scan and approve a fresh pick if the setup still holds.',
    ];
  }
  const next: Record<Exclude<OrderEndedBy, 'ioc'>, string> = {
    kill: 'What next: trading is halted. An admin can /resume; then approve a fresh pick.',
    outside_session: 'What next: nothing to undo. To buy at the open, queue a pick for the open (✅ Approve offers it while the market is closed).',
    day_timeout: 'What next: nothing to undo. Wait for the next /scan and approve a fresh pick if the setup still holds.',
    outside_courtside: 'What next: check who cancels orders on this account (the broker dashboard, another app); nothing to undo here.',
    expired: 'What next: nothing to undo. Wait for the next /scan and approve a fresh pick.',
  };
  return [`Not filled: ${recordedReasonText(o.reason)}.`, next[by]];
}

/** A check stopped the order: which one, its own sentence, the numbers, and the next step. */
function refusedText(o: Extract<ExecutionOutcome, { kind: 'refused' }>): FmtString {
  // A KR order's amounts are won, its day Seoul's and its budgets the _KR ones: never "$" in a KR message.
  const market = marketOfSymbol(o.symbol);
  const lines: (string | FmtString)[] = [fmt`⛔ ${bold`Not ordered: ${o.symbol}`} — refused by ${GATE_TITLES[o.gate] ?? o.gate}`, recordedReasonText(o.reason, market)];
  const numbers = Object.entries(o.numbers).filter(([k]) => shown(k) && k !== KRW_FIGURE);
  if (numbers.length > 0) lines.push(`Numbers: ${numbers.map(([k, v]) => `${label(k, market)} ${formatNumber(k, v, market)}`).join(' · ')}`);
  // A calendar that could not be read is no closed market: queueing for the open is not the answer.
  const next = o.reason.code === 'calendar_unknown' ? CALENDAR_UNKNOWN_NEXT : market === 'KR' ? krNextStep(o.gate, o.numbers) : nextStep(o.gate, o.numbers);
  lines.push(fmt`${bold`What to do next:`} ${next}`);
  lines.push(`${refusedSentLine(o)} Pick ${o.pickId}.`);
  return join(lines, '\n');
}

/** Whether the order reached the broker: a broker's refusal was sent and refused there; every other gate stopped it before. */
function refusedSentLine(o: Extract<ExecutionOutcome, { kind: 'refused' }>): string {
  if (o.gate !== 'broker' || o.reason.code === 'account_blocked') return 'Nothing was sent to the broker.';
  const broker = o.reason.code === 'broker_rejected' ? o.reason.broker : 'the broker';
  return `It was sent to ${broker} and refused there: nothing was placed.`;
}

/**
 * An approval whose outcome is still not known a while after its job first
 * started (the broker slow to answer or to fill): the trader hears that it is
 * being checked, that nothing is sent twice, and that the outcome follows.
 */
export function stillCheckingText(n: { broker: string; symbol: string | null; pickId: string }): FmtString {
  return fmt`⏳ ${bold`Still checking with ${n.broker}`} — ${n.symbol ?? `pick ${n.pickId}`}: the order's outcome is not known yet; nothing will be sent twice. You will be told when it is.`;
}

/** Figures that only serve the sentence (which quote a drift was measured on), not the trader. */
const UNSHOWN: ReadonlySet<string> = new Set(['quoteIsBid']);
/** Per-symbol figures (`corr:SYM`, `nodata:SYM` of a correlation refusal): the sentence names them. */
const shown = (k: string): boolean => !UNSHOWN.has(k) && !k.includes(':');

const LABELS: Record<string, string> = {
  perOrderBudget: 'per-order budget',
  dailyBudget: 'daily budget',
  spentToday: 'spent today',
  maxQty: 'max qty',
  minPrice: 'min price',
  maxPrice: 'max price',
  heldQty: 'held',
  dollarAdv: 'avg daily $ volume',
  minDollarAdv: 'min avg daily $ volume',
  spreadPct: 'spread',
  maxSpreadPct: 'max spread',
  orderPctAdv: 'order % of ADV',
  maxOrderPctAdv: 'max % of ADV',
  openPositions: 'open positions',
  maxOpenPositions: 'max open',
  existingNotional: 'held',
  orderNotional: 'order',
  positionNotional: 'position',
  positionPct: 'position % of equity',
  maxPositionPct: 'max %',
  driftPct: 'drift',
  maxDriftPct: 'max drift',
  corrLimit: 'correlation limit',
  riskBefore: 'cluster risk before',
  candidateRisk: "this order's risk",
  riskAfter: 'cluster risk after',
  riskAfterPct: 'cluster risk % of equity',
  maxClusterRiskPct: 'max cluster risk',
  limitUsd: 'VaR limit',
  varBefore: 'VaR before',
  varAfter: 'VaR after',
  firstDate: 'from',
  lastDate: 'to',
};

/** KR words where the US label names dollars (the liquidity gate measures traded value in won). */
const KR_LABELS: Record<string, string> = {
  dollarAdv: 'avg daily traded value',
  minDollarAdv: 'min avg daily traded value',
};

/** `perOrderBudget` → "per-order budget"; unknown keys are split at capitals. */
function label(key: string, market: Market = 'US'): string {
  return (market === 'KR' ? KR_LABELS[key] : undefined) ?? LABELS[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Percent keys already hold percentages; counts are whole numbers; everything else is money (dollars, or whole won for KR). */
function formatNumber(key: string, v: number, market: Market = 'US'): string {
  if (!Number.isFinite(v)) return String(v);
  if (key === 'corrLimit') return v.toFixed(2);
  if (/pct$/i.test(key)) return `${Number(v.toFixed(2))}%`;
  if (/qty$|positions$/i.test(key)) return String(v);
  // The VaR bootstrap's counts and window (yyyymmdd numbers) are no money.
  if (key === 'paths' || key === 'seed' || key === 'days') return String(v);
  if (key === 'firstDate' || key === 'lastDate') return dateFromNumber(v);
  if (market === 'KR') return won(v);
  return money(v, { decimals: Math.abs(v) > 0 && Math.abs(v) < 1 ? 4 : 2 });
}

/** The next step after a KR refusal: the KR budgets (_KR settings) and the Seoul trading day; the rest as for US. */
function krNextStep(gate: RefusalGate, n: Record<string, number>): string {
  if (gate === 'policy' && 'dailyBudget' in n) return "today's KR budget is used up; it starts again on the next KRX trading day (Seoul). Nothing to undo.";
  if (gate === 'policy' && 'perOrderBudget' in n) {
    return n.maxQty && n.maxQty > 0
      ? `the order is bigger than the KR per-order budget (at most ${n.maxQty} shares fit); approve a smaller size, or an admin raises EXEC_PER_ORDER_BUDGET_KR.`
      : 'not even one share fits the KR per-order budget; pick a cheaper ETF, or an admin raises EXEC_PER_ORDER_BUDGET_KR.';
  }
  if (gate === 'market_closed') return 'KRX takes orders only in its continuous session (09:00–15:20 KST on a regular day); while it does not, ✅ Approve on a KR card offers ⏰ Queue for the KRX open.';
  return nextStep(gate, n);
}

/** The next step after a `calendar_unknown` refusal (the market-hours gate's other reason). */
const CALENDAR_UNKNOWN_NEXT = 'the calendar could not be read, so no entry goes until it can. Check /status (the database); once it reads again, /scan and approve a fresh pick. Nothing to undo.';

/** The one thing worth doing after each kind of refusal. */
function nextStep(gate: RefusalGate, n: Record<string, number>): string {
  switch (gate) {
    case 'policy':
      if ('dailyBudget' in n) return "today's budget is used up; it starts again on the next New York trading day. Nothing to undo.";
      if ('perOrderBudget' in n) {
        return n.maxQty && n.maxQty > 0
          ? `the order is bigger than the per-order budget (at most ${n.maxQty} shares fit); approve a smaller size, or an admin raises EXEC_PER_ORDER_BUDGET.`
          : 'not even one share fits the per-order budget; pick a cheaper stock, or an admin raises EXEC_PER_ORDER_BUDGET.';
      }
      if ('minPrice' in n || 'maxPrice' in n) return 'the share price is outside the allowed range; this symbol cannot be traded under the current policy.';
      return 'the order breaks a hard policy limit; nothing to undo. Check the numbers above.';
    case 'liquidity':
      return 'the stock is too thin or its spread too wide to trade safely right now; skip it. Nothing to undo.';
    case 'position':
      if ('maxOpenPositions' in n) return 'close a position with /close SYMBOL (or a Close button on /positions), or wait one out, then approve a fresh pick.';
      return 'the position would be too large a share of the account; approve a smaller or different pick.';
    case 'drift':
      return 'the price moved away from the planned entry. Wait for the next /scan; approving the same idea again will not help.';
    case 'correlation':
      return 'the positions it moves with already carry as much risk as one bet may; close or wait out one of them, or approve an uncorrelated pick. Nothing to undo.';
    case 'var':
      return "the book's one-day value at risk would pass its limit; close a position or approve a smaller pick. /risk shows the figures.";
    case 'kill_switch':
      return 'trading is halted. An admin can /resume; then approve a fresh pick.';
    case 'expired':
      return 'run /scan again and approve a fresh pick within its window.';
    case 'market_closed':
      // This pick's approval is spent (one per pick); the queue is how an order waits for the open.
      return 'to buy at the open, queue it: while the market is closed, ✅ Approve on a pick card offers ⏰ Queue for the open (sent at open + 1 minute, re-priced and re-checked then). Once the market is open, /scan and approve a fresh pick.';
    case 'broker':
      return 'check /status and the broker account; nothing was filled. Try a fresh pick later.';
  }
}

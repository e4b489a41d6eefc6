import { bold, fmt, join, type FmtString } from 'telegraf/format';
import { marketStamp } from '../format/market-stamp.js';
import { isKrxCode, marketOfCode } from '../../engine/market/symbols.js';
import type { BrokerPosition } from '../../adapters/brokers/port.js';
import { money } from '../format/numbers.js';
import { nyClock } from '../format/ny-time.js';
import type { ExitOutcome, ExitTrigger, OrderExitReason } from '../../trading/execution/exit-types.js';
import { usd } from '../../engine/risk/index.js';
import { amountsOfSymbol } from '../format/market-amounts.js';
import type { FlattenNotice } from '../../trading/execution/notices.js';
import { recordedReasonText, unfilledText } from './recorded-reasons.js';

/**
 * Exit results for the chat (stop / time-stop runs and `/kill flatten`):
 * one line per position, most important first (sold, then problems), and
 * the broker's positions afterwards as proof when known.
 */
export function exitOutcomesView(title: string, outcomes: readonly ExitOutcome[], brokerPositions: readonly BrokerPosition[] | null, notNow?: FlattenNotice['notNow']): FmtString {
  const head = fmt`${bold(title)}`;
  if (notNow) {
    const held = notNow.positions.length === 0 ? 'its positions could not be read' : notNow.positions.map((x) => `${x.symbol} ${x.qty}`).join(', ');
    const when = notNow.nextOpenMs === null ? 'its next session' : marketStamp(notNow.market, new Date(notNow.nextOpenMs));
    if (notNow.market === 'US') return fmt`${head} · US\nNYSE is closed: nothing was sold in the US book. Still held: ${held}. Send /kill flatten again to queue the US flatten for the NYSE open, or /close each one from ${when}.`;
    return fmt`${head} · KR\nKRX takes no orders now (closed, or an auction): nothing was sold. Still held: ${held}. /close each one from ${when} (KRX's continuous session, 09:00–15:20 KST).`;
  }
  if (outcomes.length === 0) {
    const held = brokerPositions === null ? '' : ` Broker positions: ${brokerPositions.length}.`;
    return fmt`${head}\nNo open positions: nothing to sell.${held}`;
  }
  const sold = outcomes.filter((o) => o.filledQty > 0);
  const rest = outcomes.filter((o) => o.filledQty === 0);
  const lines: (string | FmtString)[] = [head];
  if (sold.length > 0) lines.push(`Sold ${sold.length} position(s), realized ${realizedPerMarket(sold)}.`);
  for (const o of [...sold, ...rest]) lines.push(`• ${exitLine(o)}`);
  if (brokerPositions !== null) {
    lines.push(
      brokerPositions.length === 0
        ? fmt`Broker positions now ${bold`0`}.`
        : `Broker still holds ${brokerPositions.map((p) => `${p.symbol} ${p.qty}`).join(', ')}: send the command again or close them in the broker's dashboard.`,
    );
  }
  return join(lines, '\n');
}

/** How each exit is named in a line. */
export function exitLabel(reason: OrderExitReason): string {
  switch (reason) {
    case 'stop':
      return 'Stop exit';
    case 'time_stop':
      return 'Time-stop exit';
    case 'target':
      return 'Profit-target exit';
    case 'close':
      return 'Close';
    case 'flatten':
      return 'Flatten';
  }
}

/** A profit-target exit names its numbers: the target it sold at, and the bid that reached it when this run saw one. */
function levelText(o: ExitOutcome): string {
  if (o.reason !== 'target' || o.decisionPrice === null) return '';
  const usd = moneyOf(o.symbol);
  return ` at the target ${usd(o.decisionPrice)}${o.bid === undefined ? '' : ` (bid ${usd(o.bid)})`}`;
}

function triggerText(t: ExitTrigger): string {
  if (t.kind === 'rule') return t.detail;
  return t.kind === 'flatten' ? `/kill flatten by ${t.requestedBy}` : `/close by ${t.requestedBy}`;
}

/**
 * One or two sentences for one exit outcome: what happened and what to do
 * next; a sale also says what is still held.
 */
export function exitLine(o: ExitOutcome): string {
  const sold = o.status === 'filled' || o.status === 'partially_filled';
  const held = sold ? (o.remainingQty > 0 ? ` ${o.remainingQty} shares still held.` : ' Position closed.') : '';
  return noteText(o) + held;
}

function noteText(o: ExitOutcome): string {
  const n = o.note;
  const who = `${o.symbol} (${o.strategy})`;
  const head = `${exitLabel(o.reason)} ${who}${levelText(o)}`;
  switch (n.code) {
    case 'order':
      return orderText(o, head);
    case 'attempts_used':
      return clip(`${head} is due (${triggerText(n.trigger)}) but ${n.attempts} exit order(s) were already tried today; none is sent again automatically. Sell by hand or use /kill flatten.`);
    case 'no_bid':
      return clip(`${head} is due (${triggerText(n.trigger)}) but there is no bid to price the sell; nothing was sent. The next run tries again.`);
    case 'kill_switch':
      return clip(`${head} is due but the kill switch is ON (${n.why ?? 'no reason given'}): nothing was sent. Use /kill flatten to sell anyway, or /resume.`);
    case 'claimed':
      return 'the exit order was already sent by another run; it is only looked up';
    case 'not_placed':
      return `${n.error}; nothing was placed — the next run sends the same order`;
    case 'unknown':
      return `${n.error}; the exit order is not visible yet and will only be looked up, never re-sent`;
    case 'lookup_failed':
      return `could not look exit order ${o.clientOrderId ?? ''} up: ${n.error}; the next run looks again (it is never re-sent)`;
    case 'ambiguous':
      return `${n.error}. Nothing was booked from it and nothing is sent again under this id, so this position's exits wait: admins are alerted — check the order and the position at the broker (sell there by hand if needed), then /stuck`;
    case 'missing':
      return `exit order ${o.clientOrderId ?? ''} was sent earlier but ${n.broker} does not show it (yet); it is never sent again — the next run looks again, or check /reconcile`;
    case 'wait_failed':
      return `waiting for exit order ${o.clientOrderId ?? ''}: ${n.error}; the next run looks again`;
    case 'working':
      return `exit order ${o.clientOrderId ?? ''} is still ${n.status} at ${n.broker}; the next run looks again`;
    case 'stop_unchecked':
      return clip(`Could not check the stop of ${who}: no quote (${n.error}). The next run tries again.`);
    case 'no_quote':
      return clip(`Flatten ${who}: no quote (${n.error}); nothing was sent. Run /kill flatten again or sell by hand.`);
    case 'kill_switch_changed':
      return clip(
        `Flatten stopped before ${who}: the kill switch changed at ${n.changedAt ? nyClock(new Date(n.changedAt)) : 'an unknown time'} (after this flatten was confirmed); nothing more was sold. Send /kill flatten again to sell the rest.`,
      );
    case 'busy':
      return clip(`${who}: another run is working on this position right now; run again later.`);
    case 'crashed':
      return clip(`${head} failed unexpectedly: ${n.error}. Any order sent is only looked up by the next run; check /reconcile if it repeats.`);
  }
}

/** The order row's own status in words. */
function orderText(o: ExitOutcome, head: string): string {
  const usd = moneyOf(o.symbol);
  switch (o.status) {
    case 'filled':
    case 'partially_filled': {
      const sold = `${head}: sold ${o.filledQty}/${o.qty} @ ${usd(o.avgFillPrice ?? 0)}, realized ${usd(o.realizedPnl ?? 0)}.`;
      const rest = unfilledText(o);
      return rest ? `${sold} The other ${o.qty - o.filledQty}: ${rest}.` : sold;
    }
    case 'not_filled': {
      const why = unfilledText(o);
      // A row booked before who ended it was recorded says only its state (exits were IOC then).
      if (!why) return `${head}: the IOC sell at ${usd(o.limitPrice ?? 0)} ended ${o.orderState ?? 'unfilled'} with nothing sold. The position is still open.`;
      return `${head}: nothing sold at the limit ${usd(o.limitPrice ?? 0)} — ${why}. The position is still open.`;
    }
    case 'rejected':
      return `${head}: not executed — ${o.rejectReason ? recordedReasonText(o.rejectReason, marketOfCode(o.symbol)) : 'rejected'}. The position is still open.`;
    case 'pending':
      return `${head}: order ${o.clientOrderId ?? ''} is ${o.orderState ?? 'pending'}; the next run looks it up (never re-sent).`;
    default:
      return head;
  }
}

/** Lines about a position without an order stay as short as they always were. */
function clip(s: string): string {
  return s.slice(0, 500);
}

/** Dollars as always for a US symbol; whole won (₩) for a KRX code. */
function moneyOf(symbol: string): (n: number) => string {
  return isKrxCode(symbol) ? (n) => amountsOfSymbol(symbol).amount(n) : usd;
}

/** Realized P&L summed per market, each in its currency ("$12.00"; "$12.00 (US) · -₩2,100 (KR)"): won and dollars are never added. */
function realizedPerMarket(sold: readonly ExitOutcome[]): string {
  const sums = new Map<'US' | 'KR', number>();
  for (const o of sold) {
    const m = marketOfCode(o.symbol);
    sums.set(m, (sums.get(m) ?? 0) + (o.realizedPnl ?? 0));
  }
  const shown = [...sums].map(([m, v]) => [m, m === 'US' ? money(v) : amountsOfSymbol('000000').amount(v)] as const);
  return shown.length === 1 ? shown[0]![1] : shown.map(([m, t]) => `${t} (${m})`).join(' · ');
}

import type { ConfirmRefusal } from '../../trading/confirmations/confirmations.js';
import type { ResolveAsk, ResolveVerdict, StuckApproval, StuckExit, StuckList } from '../../trading/execution/stuck.js';
import type { BrokerEvidence, ExitResolveResult, SettleResult, StuckCause } from '../../trading/execution/stuck-types.js';
import { recordedReasonText } from './recorded-reasons.js';

const usd = (n: number) => `$${n.toFixed(2)}`;
const age = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : ms < 2 * 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

/** One stuck approval, one line. */
function approvalLine(a: StuckApproval): string {
  return `• ${a.symbol} ${a.side} ${a.qty} @ ${usd(a.limitPrice)} — approval ${a.approvalId}, send began ${age(a.ageMs)} ago (${a.attemptedAt}), ${usd(a.reserved)} reserved, order ${a.clientOrderId} at ${a.broker}`;
}

/** One stuck exit order, one line. */
function exitLine(x: StuckExit): string {
  return `• ${x.symbol} (${x.strategy}) ${x.exitReason} sell ${x.qty} — order ${x.clientOrderId} at ${x.broker}, send began ${age(x.ageMs)} ago`;
}

/** /stuck: orders whose send began and never got booked, older than the recovery limit. */
export function stuckListText(l: StuckList): string {
  if (l.approvals.length === 0 && l.exits.length === 0) {
    return `✅ Nothing stuck: every order whose send began more than ${age(l.resolveAfterMs)} ago is booked or settled.`;
  }
  const lines = [`⚠️ Stuck orders (send began more than ${age(l.resolveAfterMs)} ago, not booked; the recovery pass could not settle them yet):`];
  if (l.approvals.length > 0) {
    lines.push('', 'Approvals:', ...l.approvals.map(approvalLine), '', 'Settle one with /resolve <approval id>.');
  }
  if (l.exits.length > 0) {
    lines.push('', "Exit orders (the recovery pass retries them every minute; the position's exits wait until each is settled):");
    lines.push(...l.exits.flatMap((x) => [exitLine(x), `  settle it: /resolve ${x.clientOrderId}`]));
  }
  return lines.join('\n');
}

/** What the broker said, in words. */
export function evidenceText(e: BrokerEvidence): string {
  switch (e.kind) {
    case 'found':
      return `${e.broker} has this order: ${e.status}, ${e.filledQty}/${e.qty} filled${e.avgFillPrice !== null ? ` at ${usd(e.avgFillPrice)}` : ''} (broker id ${e.brokerOrderId}, submitted ${e.submittedAt}, updated ${e.updatedAt}).`;
    case 'none':
      return `${e.broker} has NO order with this client order id.`;
    case 'lookup_failed':
      return e.otherOrder
        ? `${e.broker} holds a DIFFERENT order under this client order id — not ours, nothing was booked from it: ${e.error}`
        : `${e.broker} could not be asked: ${e.error}`;
  }
}

/** /resolve <id>: the evidence and what each button does (buttons are added by the command). */
export function resolveAskText(a: ResolveAsk): string {
  if (a.kind === 'exit_not_stuck') return `Exit order ${a.clientOrderId} is not stuck (unknown, settled, or its send began less than the recovery limit ago). /stuck lists what is.`;
  if (a.kind === 'exit_ask') return resolveExitAskText(a);
  if (a.kind === 'not_stuck') return `Approval ${a.approvalId} is not stuck (unknown, settled, or its send began less than the recovery limit ago). /stuck lists what is.`;
  const i = a.item;
  return [
    `🔎 Stuck approval ${i.approvalId}`,
    approvalLine(i),
    '',
    `Broker: ${evidenceText(a.evidence)}`,
    '',
    `Mark failed: closes it with nothing booked and releases ${usd(i.reserved)} of today's budget (refused if the broker shows a live or filled order).`,
    'Book fill: books the broker\'s final answer once (refused if the broker has no final order). Nothing is ever sent again.',
    'These buttons expire in 5 minutes and stop working if the order changes.',
  ].join('\n');
}

/** /resolve <exit client order id>: the evidence and what each offered button does. */
function resolveExitAskText(a: Extract<ResolveAsk, { kind: 'exit_ask' }>): string {
  const x = a.item;
  const lines = [`🔎 Stuck exit order ${x.clientOrderId}`, exitLine(x), '', `Broker: ${evidenceText(a.evidence)}`, ''];
  if (a.markFailed) lines.push('Mark failed: closes this exit order with nothing sold or booked; the position stays open and its exits resume (the next exit run sends a new order under a new id).');
  if (a.bookFill) lines.push("Book fill: books the broker's final answer for this order once (position reduced, P&L).");
  if (!a.markFailed && !a.bookFill) {
    lines.push(
      a.evidence.kind === 'found'
        ? 'Nothing to settle yet: the broker shows this order still working. Once it is final, /resolve it again to book it.'
        : 'Nothing can be settled while the broker cannot be asked. Send /resolve again later.',
    );
  } else {
    lines.push('Nothing is ever sent for this order. These buttons expire in 5 minutes and stop working if the order changes.');
  }
  return lines.join('\n');
}

const CAUSES: Record<StuckCause, string> = {
  lookup_failed: 'the broker could not be asked',
  working: 'the broker shows the order still working; it can be booked once it is final',
  order_at_broker: 'the broker shows this order (live or filled): it cannot be marked failed; book it instead',
  nothing_to_book: 'the broker has no final order to book',
  not_ours: 'the order under this client order id at the broker is not ours, so there is nothing to book',
};

/** Words for a confirmation that confirmed nothing. */
export function resolveRefusalText(r: ConfirmRefusal): string {
  switch (r.kind) {
    case 'stale':
      return `This confirmation is out of date: the order changed${r.changedAt ? ` at ${r.changedAt.toISOString()}` : ''} since it was shown. Send /resolve again.`;
    case 'used':
      return r.how === 'cancelled' ? 'This confirmation was cancelled. Send /resolve again.' : 'This confirmation was already used.';
    case 'expired':
      return 'This confirmation has expired. Send /resolve again.';
    case 'unknown':
      return 'This button is not valid. Send /resolve again.';
  }
}

/** What a Mark failed / Book fill press did. */
export function resolveVerdictText(v: ResolveVerdict): string {
  if (v.kind === 'refused' && v.refusal.kind === 'stale' && v.exit) {
    const x = v.exit;
    const at = v.refusal.changedAt ? ` at ${v.refusal.changedAt.toISOString()}` : '';
    return `This confirmation is out of date: exit order ${x.clientOrderId} changed${at} since it was shown (now: ${x.state}, ${x.booked ? 'settled' : 'not booked'}). Nothing was changed. Send /resolve ${x.clientOrderId} again.`;
  }
  if (v.kind === 'refused') return resolveRefusalText(v.refusal);
  if (v.kind === 'exit_settled') return exitVerdictText(v.result);
  const r = v.result;
  switch (r.kind) {
    case 'not_found':
      return `Approval ${r.approvalId} does not exist.`;
    case 'busy':
      return `Approval ${r.approvalId} is being worked on by a running execution right now; nothing was changed. Try again in a minute.`;
    case 'not_stuck':
      return `Approval ${r.approvalId} is no longer stuck (settled meanwhile); nothing was changed.`;
    case 'changed':
      return `Approval ${r.approvalId} changed since it was shown; nothing was changed. Send /resolve again.`;
    case 'booked': {
      const o = r.outcome;
      const what = o.kind === 'filled' || o.kind === 'partially_filled' || o.kind === 'not_filled' ? `${o.kind.replace('_', ' ')}: ${o.filledQty}/${o.qty} ${o.symbol}` : o.kind;
      return `✅ Booked from the broker's answer (${what}). ${evidenceText(r.evidence)}`;
    }
    case 'failed': {
      const o = r.outcome;
      return `✅ Marked failed; the budget is released.${o.kind === 'failed' && !o.retryable ? ` Recorded: ${recordedReasonText(o.reason)}.` : ''}`;
    }
    case 'ambiguous':
      return `Nothing was changed: ${CAUSES[r.cause]}. ${evidenceText(r.evidence)}`;
  }
}

/** What an exit's Mark failed / Book fill press did. */
function exitVerdictText(r: ExitResolveResult): string {
  switch (r.kind) {
    case 'not_stuck':
      return `Exit order ${r.clientOrderId} is no longer stuck (settled meanwhile); nothing was changed.`;
    case 'busy':
      return `Exit order ${r.clientOrderId}: a run is working on this position right now; nothing was changed. Try again in a minute.`;
    case 'changed':
      return `Exit order ${r.clientOrderId} changed since it was shown; nothing was changed. Send /resolve ${r.clientOrderId} again.`;
    case 'booked': {
      const o = r.outcome;
      return `✅ Booked from the broker's answer: ${o.symbol} (${o.strategy}) sold ${o.filledQty}/${o.qty}${o.avgFillPrice !== null ? ` at ${usd(o.avgFillPrice)}` : ''}, ${o.remainingQty} left. ${evidenceText(r.evidence)}`;
    }
    case 'failed': {
      const o = r.outcome;
      return `✅ Marked failed: exit order ${r.clientOrderId} is closed with nothing sold; ${o.symbol} (${o.strategy}) keeps ${o.remainingQty} shares and its exits resume (a new order under a new id).`;
    }
    case 'ambiguous':
      return `Nothing was changed: ${CAUSES[r.cause]}. ${evidenceText(r.evidence)}`;
  }
}

/** What an approval's trader is told once an admin settled it through /resolve (the approval's chat). */
export function approverToldText(v: { approvalId: string; result: Extract<SettleResult, { kind: 'booked' | 'failed' }>; symbol: string | null; by: string }): string {
  const what = v.symbol ?? 'your order';
  const o = v.result.outcome;
  const how =
    v.result.kind === 'failed'
      ? `marked failed: nothing was bought or booked and its budget is released`
      : o.kind === 'filled' || o.kind === 'partially_filled' || o.kind === 'not_filled'
        ? `booked from the broker's answer: ${o.kind.replace('_', ' ')}, ${o.filledQty}/${o.qty} ${o.symbol}${o.avgFillPrice !== null ? ` at ${usd(o.avgFillPrice)}` : ''}`
        : `booked from the broker's answer (${o.kind})`;
  return `🧾 Your approval of ${what} (${v.approvalId}) was settled by an admin (${v.by}): ${how}.`;
}

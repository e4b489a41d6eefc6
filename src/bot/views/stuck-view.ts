import type { ConfirmRefusal } from '../../trading/confirmations/confirmations.js';
import type { ResolveAsk, ResolveVerdict, StuckApproval, StuckList } from '../../trading/execution/stuck.js';
import type { BrokerEvidence, StuckCause } from '../../trading/execution/stuck-types.js';
import { recordedReasonText } from './recorded-reasons.js';

const usd = (n: number) => `$${n.toFixed(2)}`;
const age = (ms: number) => (ms < 120_000 ? `${Math.round(ms / 1000)} s` : ms < 2 * 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

/** One stuck approval, one line. */
function approvalLine(a: StuckApproval): string {
  return `• ${a.symbol} ${a.side} ${a.qty} @ ${usd(a.limitPrice)} — approval ${a.approvalId}, send began ${age(a.ageMs)} ago (${a.attemptedAt}), ${usd(a.reserved)} reserved, order ${a.clientOrderId} at ${a.broker}`;
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
    lines.push('', 'Exit orders (the recovery pass retries them every minute; /reconcile compares with the broker):');
    lines.push(...l.exits.map((x) => `• ${x.symbol} (${x.strategy}) ${x.exitReason} sell ${x.qty} — order ${x.clientOrderId} at ${x.broker}, send began ${age(x.ageMs)} ago`));
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

const CAUSES: Record<StuckCause, string> = {
  lookup_failed: 'the broker could not be asked',
  working: 'the broker shows the order still working; it can be booked once it is final',
  order_at_broker: 'the broker shows this order (live or filled): it cannot be marked failed; book it instead',
  nothing_to_book: 'the broker has no final order to book',
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
  if (v.kind === 'refused') return resolveRefusalText(v.refusal);
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

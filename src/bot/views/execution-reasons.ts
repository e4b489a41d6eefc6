import type { ExecutionOutcome, PendingCause, RetryableFailure } from '../../trading/execution/execute.js';
import { recordedReasonText } from './recorded-reasons.js';

/** A transient failure in words: why nothing was ordered in this run (a later run may succeed). */
export function retryableFailureReason(c: RetryableFailure): string {
  switch (c.code) {
    case 'no_quote':
      return clip(`no live quote for ${c.symbol}: ${c.error}; nothing was ordered`);
    case 'account_unreadable':
      return clip(`could not read the account: ${c.error}`);
    case 'not_placed':
      return clip(`${c.error}; nothing was placed`);
  }
}

/** Why an approval's outcome is not known yet, in words. */
export function pendingReason(c: PendingCause): string {
  switch (c.code) {
    case 'busy':
      return 'another worker is executing this approval right now; run again later';
    case 'claimed':
      return 'the order was already sent by another run';
    case 'unknown':
      return clip(`${c.error}; the order is not visible yet and will only be looked up, never re-sent`);
    case 'lookup_failed':
      return clip(`could not look the order up: ${c.error}`);
    case 'ambiguous':
      return clip(`${c.error}. Nothing was booked from it and nothing is sent again; admins are alerted and settle it with /stuck and /resolve`);
    case 'missing':
      return `order ${c.clientOrderId} was sent earlier but ${c.broker} does not show it (yet); it is never sent again — look again later or reconcile by hand`;
    case 'wait_failed':
      return clip(`waiting for the order: ${c.error}`);
    case 'working':
      return `order ${c.clientOrderId} is still ${c.status} at ${c.broker}`;
    case 'no_order_yet':
      return `approval is ${c.approvalState} and has no order yet`;
    case 'order_open':
      return `order ${c.clientOrderId} is ${c.orderState}`;
  }
}

/** The reason of a `failed` outcome in words: the recorded one, or the transient failure. */
export function failedReason(out: Extract<ExecutionOutcome, { kind: 'failed' }>): string {
  return out.retryable ? retryableFailureReason(out.cause) : recordedReasonText(out.reason);
}

/**
 * Why an execution run did not finish, for the job's error (what BullMQ
 * records and retries on; a run that gives up records it on the approval).
 */
export function unfinishedReason(out: ExecutionOutcome): string {
  if (out.kind === 'pending') return pendingReason(out.cause);
  if (out.kind === 'failed') return failedReason(out);
  return out.kind;
}

/** Reasons stay as short as the execution used to store them. */
function clip(s: string): string {
  return s.slice(0, 500);
}

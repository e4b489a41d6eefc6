import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';

/**
 * The signed data of a queue button. One signed action (`qo`), its arg an op
 * letter and an id:
 * - `e<pick id>`: "⏰ Queue for the open" on a pick card (trader; its own approval);
 * - `c<queued id>`: "✖ Cancel" of a queued order (trader; admin for a flatten);
 * - `f<token>`: "⏰ Queue flatten for the open" (admin; token bound to the kill epoch);
 * - `d<token>`: its "✖ Cancel" (spends the token: nothing queued);
 * - `g<token>`: "⏰ Queue KR flatten for the KRX open" (admin; token bound to the KR book and the kill epoch);
 * - `h<token>`: its "✖ Cancel".
 *
 * Kept apart from the handler (callbacks/queue.ts) so the card renderer can
 * sign the button without loading the queue use cases.
 */
export function queueButton(key: Buffer, op: 'e' | 'c' | 'f' | 'd' | 'g' | 'h', id: string, expiresAtMs: number): string {
  return signCallback(key, CALLBACK_ACTIONS.queueOp, `${op}${id}`, expiresAtMs);
}

/** The label of a pick card's queue button (posted outside the session, and after an Approve there). */
export const QUEUE_FOR_OPEN = '⏰ Queue for the open';

import type { StoredPick } from '../scan/picks-repo.js';
import type { QueuedOrder } from './queued-orders.js';

/**
 * What the open queue tells a chat, as typed data (src/bot/render/queue.ts
 * words it): a queued order that was not sent by its expiry.
 */
export type QueueNotice = {
  kind: 'queue.expired';
  order: QueuedOrder;
  /** A queued entry's pick card, when known: it loses its Cancel button and says the order expired. */
  card?: { messageId: number; pick: StoredPick } | null;
};

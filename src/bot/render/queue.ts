import type { QueueNotice } from '../../trading/queue/notices.js';
import { asFormatted } from '../format/message.js';
import type { NotifyOp } from '../../jobs/payloads/common.js';
import { cardWithOutcome } from '../views/card-outcome.js';
import { queuedExpiredCardLine, queuedExpiredText } from '../views/queue-view.js';
import type { RendererTable } from './types.js';

/** Chat renderings of the open queue's notices. */
export const queueRenderers: RendererTable<QueueNotice> = {
  'queue.expired': async (n) => {
    const ops: NotifyOp[] = [{ kind: 'text', ...asFormatted(queuedExpiredText(n.order)) }];
    if (n.card) {
      const c = asFormatted(cardWithOutcome(n.card.pick, queuedExpiredCardLine(n.order)));
      ops.push({ kind: 'editCaption', messageId: n.card.messageId, caption: c.text, ...(c.entities ? { captionEntities: c.entities } : {}), keyboard: [] });
    }
    return { ops, origin: 'queue' };
  },
};

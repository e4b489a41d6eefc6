import type { QueueNotice } from '../../trading/queue/notices.js';
import { asFormatted } from '../format/message.js';
import { queuedExpiredText } from '../views/queue-view.js';
import type { RendererTable } from './types.js';

/** Chat renderings of the open queue's notices. */
export const queueRenderers: RendererTable<QueueNotice> = {
  'queue.expired': async (n) => ({ ops: [{ kind: 'text', ...asFormatted(queuedExpiredText(n.order)) }], origin: 'queue' }),
};

import { z } from 'zod';
import { cancelQueued, listQueued, QUEUED_ID } from '../../trading/queue/queued-orders.js';
import { cancelAnswer, cancelQueuedKeyboard, queueDeps } from '../callbacks/queue.js';
import { editCard } from '../callbacks/approvals.js';
import { queuedList } from '../views/queue-view.js';
import { defineCommand } from './define.js';
import { auditOrLog } from '../audited.js';

/** `/cancel [id]`: an id as /orders and the queue's messages print it (`q` + 8 characters); none lists the queue. */
const cancelArgs = z
  .object({ tokens: z.array(z.string()).max(1, 'takes one queued order id, e.g. /cancel q1a2b3c4 (see /cancel)'), text: z.string() })
  .transform((a) => a.tokens[0]?.toLowerCase() ?? null)
  .pipe(z.string().regex(QUEUED_ID, 'a queued order id is q and 8 letters or digits, e.g. q1a2b3c4 (see /cancel)').nullable());

export const cancelCommand = defineCommand({
  name: 'cancel',
  summary: 'Cancel an order queued for the open (no id: list them)',
  usage: '/cancel [id]',
  role: 'trader',
  args: cancelArgs,
  async run({ ctx, args, deps, userId, role, chatId, reply }) {
    if (args === null) {
      const queued = await listQueued(deps.uow);
      const key = deps.config.telegram.callbackKey;
      await reply(queuedList(queued), queued.length > 0 ? { reply_markup: { inline_keyboard: queued.flatMap((q) => cancelQueuedKeyboard(key, q)) } } : {});
      return;
    }
    const res = await cancelQueued(queueDeps(deps), { id: args, by: userId, role });
    if (res.kind === 'cancelled') {
      await auditOrLog(deps, { action: 'order.queue_cancelled', actor: userId, chatId, queuedId: res.order.id, how: 'command' });
      const q = res.order;
      if (q.kind === 'entry' && q.pickId) {
        const name = ctx.from?.first_name ?? String(userId);
        await editCard(deps, ctx.telegram, { pickId: q.pickId, chatId: q.chatId, ...(q.cardMessageId ? { cardMessageId: q.cardMessageId } : {}) }, `✖ Queued order ${q.id} cancelled by ${name}: nothing was ordered`);
      }
    }
    await reply(cancelAnswer(res));
  },
});

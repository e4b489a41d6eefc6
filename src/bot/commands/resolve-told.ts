import { executionRunSchema } from '../../jobs/payloads/execution.js';
import type { ResolveVerdict } from '../../trading/execution/stuck.js';
import type { BotDeps } from '../deps.js';
import { approverToldText } from '../views/stuck-view.js';
import { ignoredBecause, type DebugLog } from '../../jobs/ignore.js';

/**
 * The chat an approval came from: the execution job's data (`exec-<approval
 * id>`, kept a week after it completes and a month after it fails) names the
 * chat the Approve was tapped or typed in — also for one queued for the open,
 * whose hand-on reuses that job id. Without the job (Redis lost, removed):
 * the chat it was queued from, else the approver's private chat (a Telegram
 * user's chat id is their user id), as the recovery pass tells it.
 */
export async function approvalChat(deps: Pick<BotDeps, 'jobs'> & { log?: DebugLog }, origin: { approvalId: string; approvedBy: number; queuedChatId: number | null }): Promise<number> {
  const job = await deps.jobs.queues.executions.getJob(`exec-${origin.approvalId}`).catch(ignoredBecause(deps.log, 'execution job not read; the approval is told in the chat it was queued from, else the approver\'s own', { approvalId: origin.approvalId }));
  const data = executionRunSchema.safeParse(job?.data);
  if (data.success && data.data.approvalId === origin.approvalId) return data.data.chatId;
  return origin.queuedChatId ?? origin.approvedBy;
}

/**
 * Tells the trader who approved an entry that an admin settled it through
 * /resolve (booked or marked failed), in the approval's chat, through the
 * outbox. Keyed by the approval: a second settling message for the same
 * approval (a double tap that somehow got through, a redelivered update) is
 * the same job and is sent once. A failure to tell never undoes the settling.
 */
export async function tellApprover(deps: Pick<BotDeps, 'jobs' | 'log'>, v: ResolveVerdict, by: string): Promise<void> {
  if (v.kind !== 'settled' || !v.origin) return;
  const r = v.result;
  if (r.kind !== 'booked' && r.kind !== 'failed') return;
  try {
    const chatId = await approvalChat(deps, v.origin);
    const text = approverToldText({ approvalId: v.approvalId, result: r, symbol: v.origin.symbol, by });
    await deps.jobs.add('notify.deliver', { chatId, ops: [{ kind: 'text', text }], origin: 'resolve' }, { jobId: `resolve-told-${v.approvalId}` });
  } catch (err) {
    deps.log.warn({ err, approvalId: v.approvalId }, 'approval settled through /resolve, but its approver could not be told');
  }
}

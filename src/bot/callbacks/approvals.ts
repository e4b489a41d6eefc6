import type { Telegram } from 'telegraf';
import type { Role } from '../../lib/roles.js';
import { approvePick, rejectPick, type AlreadyDecided } from '../../trading/execution/approve-pick.js';
import { QueueUnavailableError } from '../../lib/errors.js';
import { messageRefKey } from '../outbox/delivery.js';
import { cardWithOutcome } from '../views/card-outcome.js';
import { nyClock } from '../format/ny-time.js';
import type { BotDeps } from '../deps.js';
import { marketHoursFor, queueWindowAt } from '../../engine/market-hours.js';
import { CALLBACK_ACTIONS, signCallback } from '../callback-data.js';
import type { Keyboard } from '../format/message.js';
import { brokerClosedApproveText, krQueueButtonLabel, krxClosedApproveText, krxClosedQueueApproveText, krxQueueOfferCardLine, marketClosedApproveText, nyDayClock } from '../views/queue-view.js';
import { krQueueHours } from './kr-queue-hours.js';
import { marketOfSymbol } from '../../engine/market/symbols.js';
import { queueOfferAt } from '../views/pick-card.js';
import { QUEUE_FOR_OPEN, queueButton } from './queue-button.js';
import { preflightBlock } from '../../trading/preflight/gate.js';
import { preflightBlockedApproveText, preflightBlockedCardLine } from '../views/preflight-gate.js';
import { auditOrLog } from '../audited.js';
import { ignoredBecause } from '../../jobs/ignore.js';

/** Who decided, and where the pick's card is (when known). */
export interface DecisionRequest {
  pickId: string;
  userId: number;
  role: Role;
  name: string;
  chatId: number;
  /** The card's message id: from the button press, or looked up by the pick's notify ref. */
  cardMessageId?: number;
}

/** What to tell the person who tapped or typed, and whether it was a refusal (shown as an alert). */
export interface DecisionAnswer {
  text: string;
  alert: boolean;
}

/**
 * Approve: one atomic PENDING → APPROVED in Postgres (concurrent taps: one
 * wins), then the execution job with jobId `exec-<approvalId>` (a repeat tap
 * re-enqueues the same id, which BullMQ ignores while the job exists and the
 * job itself is idempotent). The kill switch is checked here too so the
 * trader hears it at once — but the authoritative check is in the execution
 * worker right before the broker call.
 */
export async function decideApprove(deps: BotDeps, telegram: Telegram, req: DecisionRequest): Promise<DecisionAnswer> {
  const ks = await deps.killSwitch.state();
  if (ks.engaged) {
    await audit(deps, 'pick.approve_refused', req, { reason: 'kill_switch' });
    return { text: `🛑 Kill switch is ON (${ks.reason ?? 'no reason'}): nothing was ordered and the pick stays open. An admin can /resume.`, alert: true };
  }
  const blocked = await refuseWhilePreflightFails(deps, telegram, req);
  if (blocked) return blocked;
  const closed = await refuseWhileClosed(deps, telegram, req);
  if (closed) return closed;
  const res = await approvePick(
    deps.uow,
    { pickId: req.pickId, userId: req.userId, role: req.role, now: new Date(deps.now()) },
    { executionWindowMs: deps.config.execution.windowMs, log: deps.log },
  );
  switch (res.kind) {
    case 'approved': {
      const queued = await enqueue(deps, res.approvalId, req);
      // Audited right after the enqueue (the approval row is already committed): the order path does not wait for it.
      await audit(deps, 'pick.approved', req, { approvalId: res.approvalId, symbol: res.symbol, strategy: res.strategy, qty: res.qty });
      // An interim line: the worker may already have shown the outcome (it runs as soon as the job is
      // queued), and this edit must not overwrite it. Skipped once the pick has moved past APPROVED.
      await editCard(deps, telegram, req, queued ? `✅ Approved by ${req.name} — placing order…` : `✅ Approved by ${req.name} — waiting for the queue`, [], { onlyWhile: ['APPROVED', 'EXECUTING'] });
      return queued
        ? { text: `Approved ${res.symbol}: placing the order now. You'll get a confirmation.`, alert: false }
        : { text: '⚠️ Approved, but the queue is unavailable (Redis), so no order was placed yet. Tap Approve again in a minute: it is safe.', alert: true };
    }
    case 'already_decided':
      return alreadyDecided(deps, req, res);
    case 'expired':
      await editCard(deps, telegram, req, `⌛ Expired at ${nyClock(res.expiredAt)}: nothing was ordered`);
      return { text: `This pick expired at ${nyClock(res.expiredAt)}; nothing was ordered. Run /scan for fresh picks.`, alert: true };
    case 'not_found':
      return { text: `No pick "${req.pickId}". See /picks for the current ones.`, alert: true };
    case 'forbidden':
      return { text: 'Only a trader or admin can approve or reject picks.', alert: true };
  }
}

/**
 * With a live broker, new entries wait for a passing preflight (issue 20):
 * while the newest run has a ✗ (or none ran yet) a PENDING pick is not
 * approved, nothing is sent, and the trader hears which checks failed and
 * what to run. The card keeps its Approve button: once a passing run is
 * recorded, the same tap goes through. The order path asks again right
 * before sending (execute.ts), so an earlier tap cannot slip past.
 */
async function refuseWhilePreflightFails(deps: BotDeps, telegram: Telegram, req: DecisionRequest): Promise<DecisionAnswer | null> {
  const block = await preflightBlock(deps.uow, deps.config.broker?.kind ?? 'paper');
  if (!block) return null;
  const pick = await deps.picks.get(req.pickId);
  // Not pending (decided, expired, unknown): approvePick says what it is; nothing new would be ordered anyway.
  if (!pick || pick.state !== 'PENDING' || pick.expiresAt.getTime() <= deps.now()) return null;
  await audit(deps, 'pick.approve_refused', req, { reason: 'preflight', ...(block.kind === 'failed' ? { preflightRun: block.run.id, failing: block.failing.map((f) => f.id) } : { preflightRun: null }) });
  const key = deps.config.telegram.callbackKey;
  const expires = pick.expiresAt.getTime();
  // The card's own buttons (as scan cards lay them out), so the same tap goes through after a passing run.
  await editCard(deps, telegram, req, preflightBlockedCardLine(block), [
    [
      { text: '✅ Approve', callback_data: signCallback(key, CALLBACK_ACTIONS.approvePick, pick.id, expires) },
      { text: '✖ Reject', callback_data: signCallback(key, CALLBACK_ACTIONS.rejectPick, pick.id, expires) },
    ],
  ]);
  return { text: preflightBlockedApproveText(block), alert: true };
}

/** How long an Approve tap waits for the broker's clock before leaving the check to the order path. */
const BROKER_CLOCK_WAIT_MS = 1_500;

/**
 * Our calendar says open but the broker's own clock says closed (an
 * unscheduled closure, a halt day): nothing is approved or sent, the pick
 * stays open, the trader hears why, and the card offers "Queue for the open"
 * (the open the broker names). A clock that cannot be read does not refuse
 * here: the order path asks again right before any POST and sends nothing blind.
 */
async function refuseWhileBrokerClosed(deps: BotDeps, telegram: Telegram, req: DecisionRequest): Promise<DecisionAnswer | null> {
  if (!deps.brokerClock) return null;
  // A tap is answered at once: a clock that does not answer quickly (the request budget spent, the
  // broker slow) is skipped here, never waited on.
  const clock = await Promise.race([deps.brokerClock.read().catch(ignoredBecause(deps.log, 'broker clock not read; the order path asks again before any POST')), new Promise<null>((r) => setTimeout(() => r(null), BROKER_CLOCK_WAIT_MS).unref())]);
  if (!clock || clock.isOpen) return null;
  await audit(deps, 'pick.approve_refused', req, { reason: 'market_closed', byBroker: deps.brokerClock.name });
  const open = clock.nextOpen === null ? Number.NaN : Date.parse(clock.nextOpen);
  const offer = Number.isFinite(open) && open > deps.now() ? queueWindowAt(open) : null;
  const pick = offer ? await offerQueue(deps, telegram, req, `🕰 ${deps.brokerClock.name} says closed: not ordered. Queue it for its open (goes ${nyDayClock(offer.sendAt)}, expires ${nyDayClock(offer.expiresAt)}), or let it expire.`) : null;
  return { text: brokerClosedApproveText(deps.brokerClock.name, clock.nextOpen, pick ? offer!.sendAt : null), alert: true };
}

/**
 * Outside the session an IOC cannot fill: a PENDING, unexpired pick is not
 * approved (nothing reaches the broker); the card offers "Queue for the open"
 * as its own choice instead. Null when the market is open or the pick is not
 * pending (approvePick then says what it is).
 */
async function refuseWhileClosed(deps: BotDeps, telegram: Telegram, req: DecisionRequest): Promise<DecisionAnswer | null> {
  // A KR pick is judged on KRX hours (never NYSE's, never the US broker's clock) and offered KRX's open queue.
  const picked = await deps.picks.get(req.pickId);
  if (picked && marketOfSymbol(picked.symbol) === 'KR') return refuseWhileKrxClosed(deps, telegram, req, picked);
  const hours = marketHoursFor(deps.config);
  const now = deps.now();
  if (hours.isOpen(now)) return refuseWhileBrokerClosed(deps, telegram, req);
  const offer = queueOfferAt(hours, now);
  // The re-drawn caption has no queue line (it is the pick's own): the outcome line says when the queue would send it.
  const pick = await offerQueue(deps, telegram, req, `🕰 Market closed: not ordered. Queue it for the open${offer ? ` (goes ${nyDayClock(offer.sendAt)}, expires ${nyDayClock(offer.expiresAt)})` : ''}, or let it expire.`);
  if (!pick) return null;
  await audit(deps, 'pick.approve_refused', req, { reason: 'market_closed' });
  return { text: marketClosedApproveText(pick.symbol, hours.nextOpen(now)), alert: true };
}

/**
 * A KR pick while KRX takes no orders (closed, or an auction): refused (audited), and the card
 * offers ⏰ Queue for the KRX open — its continuous-session open + 1 min, run-time overrides
 * applied (a late open moves it) — as its own choice. Without a session ahead, the plain
 * refusal. Null while KRX takes orders or the pick is not pending.
 */
async function refuseWhileKrxClosed(deps: BotDeps, telegram: Telegram, req: DecisionRequest, pick: { symbol: string; state: string; expiresAt: Date }): Promise<DecisionAnswer | null> {
  const hours = await krQueueHours(deps);
  const now = deps.now();
  if (hours.isOpen(now) || pick.state !== 'PENDING' || pick.expiresAt.getTime() <= now) return null;
  await audit(deps, 'pick.approve_refused', req, { reason: 'market_closed', market: 'KR' });
  const next = hours.nextOpen(now);
  const offer = queueOfferAt(hours, now);
  const shown = offer && next ? await offerQueue(deps, telegram, req, krxQueueOfferCardLine(offer.sendAt, offer.expiresAt), krQueueButtonLabel(next.open)) : null;
  return { text: shown && offer ? krxClosedQueueApproveText(pick.symbol, offer.sendAt) : krxClosedApproveText(pick.symbol, next), alert: true };
}

/**
 * Re-draws a PENDING, unexpired pick's card with `line` and the "Queue for the
 * open" and Reject buttons; returns the pick, or null when it is not pending
 * (approvePick then says what it is).
 */
async function offerQueue(deps: BotDeps, telegram: Telegram, req: DecisionRequest, line: string, label: string = QUEUE_FOR_OPEN): Promise<{ symbol: string } | null> {
  const pick = await deps.picks.get(req.pickId);
  if (!pick || pick.state !== 'PENDING' || pick.expiresAt.getTime() <= deps.now()) return null;
  const key = deps.config.telegram.callbackKey;
  const expires = pick.expiresAt.getTime();
  await editCard(deps, telegram, req, line, [
    [{ text: label, callback_data: queueButton(key, 'e', pick.id, expires) }],
    [{ text: '✖ Reject', callback_data: signCallback(key, CALLBACK_ACTIONS.rejectPick, pick.id, expires) }],
  ]);
  return pick;
}

/** Reject: the same atomic decision; nothing is enqueued. */
export async function decideReject(deps: BotDeps, telegram: Telegram, req: DecisionRequest): Promise<DecisionAnswer> {
  const res = await rejectPick(deps.uow, { pickId: req.pickId, userId: req.userId, role: req.role, now: new Date(deps.now()) }, { audit: deps.audit, log: deps.log });
  switch (res.kind) {
    case 'rejected':
      await editCard(deps, telegram, req, `✖ Rejected by ${req.name}`);
      return { text: `Rejected ${res.symbol}. Nothing will be ordered.`, alert: false };
    case 'already_decided':
      return alreadyDecided(deps, req, res);
    case 'expired':
      return { text: `This pick already expired at ${nyClock(res.expiredAt)}; nothing was ordered.`, alert: true };
    case 'not_found':
      return { text: `No pick "${req.pickId}". See /picks for the current ones.`, alert: true };
    case 'forbidden':
      return { text: 'Only a trader or admin can approve or reject picks.', alert: true };
  }
}

async function alreadyDecided(deps: BotDeps, req: DecisionRequest, d: AlreadyDecided): Promise<DecisionAnswer> {
  const who = d.decidedBy === null ? 'someone' : d.decidedBy === req.userId ? 'you' : `user ${d.decidedBy}`;
  const when = d.decidedAt ? ` at ${nyClock(d.decidedAt)}` : '';
  // An approved pick whose job may never have been enqueued (Redis was down): enqueue it now, same jobId.
  if ((d.state === 'APPROVED' || d.state === 'EXECUTING') && d.approvalId) {
    const queued = await enqueue(deps, d.approvalId, req);
    return { text: `Already approved by ${who}${when}; ${queued ? 'the order is being handled — one order only.' : 'the queue is unavailable, tap again in a minute.'}`, alert: !queued };
  }
  if (d.state === 'FAILED') return { text: `Already failed: approved by ${who}${when}, but no order was placed (see the message about it). Nothing changed; /scan for fresh picks.`, alert: true };
  return { text: `Already ${d.state.toLowerCase()} by ${who}${when}. Nothing changed.`, alert: true };
}

async function enqueue(deps: BotDeps, approvalId: string, req: DecisionRequest): Promise<boolean> {
  try {
    await deps.jobs.add(
      'execution.run',
      { approvalId, pickId: req.pickId, chatId: req.chatId, userId: req.userId, ...(req.cardMessageId ? { cardMessageId: req.cardMessageId } : {}) },
      { jobId: `exec-${approvalId}` },
    );
    return true;
  } catch (err) {
    if (err instanceof QueueUnavailableError) return false;
    throw err;
  }
}

/** Shows the decision on the card with `keyboard` (default none: buttons removed); a card we cannot find or edit is not an error. */
export async function editCard(
  deps: BotDeps,
  telegram: Telegram,
  req: Pick<DecisionRequest, 'pickId' | 'chatId' | 'cardMessageId'>,
  line: string,
  keyboard: Keyboard = [],
  opts: { onlyWhile?: readonly string[] } = {},
): Promise<void> {
  const pick = await deps.picks.get(req.pickId).catch(ignoredBecause(deps.log, 'pick card not edited: the pick could not be read', { pickId: req.pickId }));
  if (!pick) return;
  if (opts.onlyWhile && !opts.onlyWhile.includes(pick.state)) return;
  let where: { chatId: number; messageId: number } | null = req.cardMessageId ? { chatId: req.chatId, messageId: req.cardMessageId } : null;
  if (!where) {
    const ref = await deps.redis.get(messageRefKey(deps.config.redis.prefix, `pick:${req.pickId}`)).catch(ignoredBecause(deps.log, 'pick card not edited: its message reference could not be read', { pickId: req.pickId }));
    const m = ref?.match(/^(-?\d+):(\d+)$/);
    if (m) where = { chatId: Number(m[1]), messageId: Number(m[2]) };
  }
  if (!where) return;
  const caption = cardWithOutcome(pick, line);
  await telegram
    .editMessageCaption(where.chatId, where.messageId, undefined, caption.text, {
      ...(caption.entities?.length ? { caption_entities: caption.entities } : {}),
      reply_markup: { inline_keyboard: keyboard },
    })
    .catch((err: unknown) => deps.log.debug({ err, pickId: req.pickId }, 'pick card not edited'));
}

async function audit(deps: BotDeps, action: string, req: DecisionRequest, extra: Record<string, unknown>): Promise<void> {
  await auditOrLog(deps, { action, actor: req.userId, chatId: req.chatId, pickId: req.pickId, ...extra });
}

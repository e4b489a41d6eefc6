import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Telegram } from 'telegraf';
import type { InlineKeyboardMarkup, MessageEntity } from 'telegraf/types';
import { CAPTION_LIMIT, MESSAGE_LIMIT as TEXT_LIMIT } from '../format/limits.js';
import { splitCaption, splitFormatted } from '../format/split.js';
import type { NotifyOp, NotifyPayload } from '../../jobs/payloads/common.js';
import type { JobRun } from '../../jobs/worker-runtime.js';
import type { MetricsPort } from '../../adapters/metrics/port.js';
import type { BlobStorePort } from '../../adapters/redis/port.js';
import type { ChatPacer } from './chat-pacer.js';
import type { DeliveryFailures } from './delivery-failures.js';
import { classifyTelegramError } from './telegram-errors.js';
import { ignoredBecause } from '../../jobs/ignore.js';

/** One Bot API call the delivery makes; an op may expand into several (long texts, long captions). */
type Step =
  | { method: 'sendMessage'; text: string; entities: MessageEntity[]; keyboard?: NotifyOp['keyboard'] }
  | { method: 'sendPhoto'; blobKey: string; caption?: string; entities: MessageEntity[]; keyboard?: NotifyOp['keyboard']; ref?: string }
  | { method: 'editMessageText'; messageId: number; text: string; entities: MessageEntity[]; keyboard?: NotifyOp['keyboard'] }
  | { method: 'editMessageReplyMarkup'; messageId: number; keyboard: NonNullable<NotifyOp['keyboard']> }
  | { method: 'editMessageCaption'; messageId: number; text: string; entities: MessageEntity[]; keyboard?: NotifyOp['keyboard'] };

export interface DeliveryDeps {
  telegram: Telegram;
  redis: Redis;
  prefix: string;
  pacer: ChatPacer;
  blobs: BlobStorePort;
  metrics: MetricsPort;
  /** Per-chat failure clock: admins are alerted after 10 minutes of failures to a chat. */
  failures?: DeliveryFailures;
}

/** Expands ops into Bot API steps: long texts split at 4096, long captions moved into follow-up texts. */
export function planSteps(ops: NotifyOp[]): Step[] {
  const steps: Step[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case 'text': {
        const chunks = splitFormatted({ text: op.text, entities: (op.entities ?? []) as MessageEntity[] }, TEXT_LIMIT);
        chunks.forEach((c, i) => steps.push({ method: 'sendMessage', text: c.text, entities: c.entities, ...(i === chunks.length - 1 && op.keyboard ? { keyboard: op.keyboard } : {}) }));
        break;
      }
      case 'photo': {
        const { caption, rest } = splitCaption({ text: op.caption ?? '', entities: (op.captionEntities ?? []) as MessageEntity[] }, CAPTION_LIMIT, TEXT_LIMIT);
        const kbOnPhoto = rest.length === 0 && op.keyboard;
        steps.push({
          method: 'sendPhoto',
          blobKey: op.blobKey,
          ...(caption ? { caption: caption.text } : {}),
          entities: caption?.entities ?? [],
          ...(kbOnPhoto ? { keyboard: op.keyboard } : {}),
          ...(op.ref ? { ref: op.ref } : {}),
        });
        rest.forEach((c, i) => steps.push({ method: 'sendMessage', text: c.text, entities: c.entities, ...(i === rest.length - 1 && op.keyboard ? { keyboard: op.keyboard } : {}) }));
        break;
      }
      case 'edit': {
        // An edited message cannot grow past one message: keep the first chunk, send the rest as new messages.
        const [first, ...more] = splitFormatted({ text: op.text, entities: (op.entities ?? []) as MessageEntity[] }, TEXT_LIMIT);
        if (first) steps.push({ method: 'editMessageText', messageId: op.messageId, text: first.text, entities: first.entities, ...(more.length === 0 && op.keyboard ? { keyboard: op.keyboard } : {}) });
        more.forEach((c, i) => steps.push({ method: 'sendMessage', text: c.text, entities: c.entities, ...(i === more.length - 1 && op.keyboard ? { keyboard: op.keyboard } : {}) }));
        break;
      }
      case 'editKeyboard':
        steps.push({ method: 'editMessageReplyMarkup', messageId: op.messageId, keyboard: op.keyboard });
        break;
      case 'editCaption': {
        // A caption cannot grow past 1024: keep what fits, send the rest as new messages.
        const { caption, rest } = splitCaption({ text: op.caption, entities: (op.captionEntities ?? []) as MessageEntity[] }, CAPTION_LIMIT, TEXT_LIMIT);
        steps.push({ method: 'editMessageCaption', messageId: op.messageId, text: caption?.text ?? '', entities: caption?.entities ?? [], ...(op.keyboard ? { keyboard: op.keyboard } : {}) });
        rest.forEach((c) => steps.push({ method: 'sendMessage', text: c.text, entities: c.entities }));
        break;
      }
    }
  }
  return steps;
}

/**
 * The notify worker's job handler. Each step is marked done in Redis after it
 * succeeds, so a retried job resumes where it stopped instead of repeating
 * messages. Pacing: a chat over its budget delays the job; a 429 pauses the
 * whole queue for retry_after (BullMQ manual rate limit), costing no attempt.
 */
export async function deliverNotify(payload: NotifyPayload, run: JobRun, deps: DeliveryDeps): Promise<void> {
  const steps = planSteps(payload.ops);
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const marker = `${deps.prefix}:notify:done:${run.job.id}:${i}`;
    if (await deps.redis.exists(marker)) continue;
    const wait = await deps.pacer.take(payload.chatId);
    if (wait > 0) {
      await run.job.moveToDelayed(Date.now() + wait, run.token);
      throw new DelayedError();
    }
    await runStep(payload.chatId, step, run, { ...deps, silent: payload.silent === true });
    await deps.redis.set(marker, '1', 'EX', 24 * 3600);
  }
}

type StepDeps = DeliveryDeps & { silent: boolean };

async function runStep(chatId: number, step: Step, run: JobRun, deps: StepDeps, plain = false): Promise<void> {
  try {
    await callTelegram(chatId, step, deps, plain);
    deps.metrics.telegramCalls.labels(step.method, 'ok').inc();
    await deps.failures?.delivered(chatId).catch(ignoredBecause(run.log, 'delivery failure clock not reset; the next delivery to this chat resets it', { chatId }));
  } catch (err) {
    const failure = classifyTelegramError(err);
    deps.metrics.telegramCalls.labels(step.method, failure.kind).inc();
    if (failure.kind === 'rate_limited' || failure.kind === 'transient' || failure.kind === 'chat_unreachable' || failure.kind === 'rejected') {
      const why = failure.kind === 'rate_limited' ? `rate_limited (retry after ${Math.round(failure.retryAfterMs / 1000)} s)` : `${failure.kind}: ${failure.description}`;
      await deps.failures?.failed(chatId, why).catch(ignoredBecause(run.log, 'delivery failure not counted; the next failure to this chat counts', { chatId }));
    }
    switch (failure.kind) {
      case 'rate_limited':
        await run.worker.rateLimit(failure.retryAfterMs);
        throw Worker.RateLimitError();
      case 'bad_entities':
        if (plain) throw new UnrecoverableError('Telegram rejected the message even as plain text');
        run.log.warn({ method: step.method }, 'formatting rejected; sending as plain text');
        return runStep(chatId, step, run, deps, true);
      case 'not_modified':
        return;
      case 'message_gone':
        if (step.method === 'editMessageText' || step.method === 'editMessageCaption') return runStep(chatId, { method: 'sendMessage', text: step.text, entities: step.entities, ...(step.keyboard ? { keyboard: step.keyboard } : {}) }, run, deps, plain);
        return;
      case 'chat_unreachable':
      case 'rejected':
        throw new UnrecoverableError(`Telegram refused ${step.method}: ${failure.description}`);
      case 'transient':
        throw new Error(`Telegram ${step.method} failed (will retry): ${failure.description}`);
    }
  }
}

function markup(keyboard: NotifyOp['keyboard']): { reply_markup?: InlineKeyboardMarkup } {
  return keyboard ? { reply_markup: { inline_keyboard: keyboard } } : {};
}

async function callTelegram(chatId: number, step: Step, deps: StepDeps, plain: boolean): Promise<void> {
  const ents = (e: MessageEntity[]) => (plain || e.length === 0 ? {} : { entities: e });
  const quiet = deps.silent ? { disable_notification: true } : {};
  switch (step.method) {
    case 'sendMessage':
      await deps.telegram.sendMessage(chatId, step.text, { ...ents(step.entities), ...markup(step.keyboard), ...quiet, link_preview_options: { is_disabled: true } });
      return;
    case 'editMessageText':
      await deps.telegram.editMessageText(chatId, step.messageId, undefined, step.text, { ...ents(step.entities), ...markup(step.keyboard), link_preview_options: { is_disabled: true } });
      return;
    case 'editMessageReplyMarkup':
      await deps.telegram.editMessageReplyMarkup(chatId, step.messageId, undefined, { inline_keyboard: step.keyboard });
      return;
    case 'editMessageCaption':
      await deps.telegram.editMessageCaption(chatId, step.messageId, undefined, step.text, {
        ...(!plain && step.entities.length > 0 ? { caption_entities: step.entities } : {}),
        ...markup(step.keyboard),
      });
      return;
    case 'sendPhoto': {
      const bytes = await deps.blobs.get(step.blobKey);
      if (!bytes) throw new UnrecoverableError(`chart image ${step.blobKey} expired before delivery`);
      const sent = await deps.telegram.sendPhoto(
        chatId,
        { source: bytes, filename: 'chart.png' },
        {
          ...(step.caption ? { caption: step.caption } : {}),
          ...(step.caption && !plain && step.entities.length > 0 ? { caption_entities: step.entities } : {}),
          ...markup(step.keyboard),
          ...quiet,
        },
      );
      if (step.ref) await deps.redis.set(messageRefKey(deps.prefix, step.ref), `${chatId}:${sent.message_id}`, 'EX', 3 * 24 * 3600);
      return;
    }
  }
}

/** Where the chat and message id of a referenced message (e.g. a pick card) are kept. */
export function messageRefKey(prefix: string, ref: string): string {
  return `${prefix}:notify:ref:${ref}`;
}

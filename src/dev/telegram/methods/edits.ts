import { badRequest, Descriptions } from '../errors.js';
import { sameMarkup } from '../keyboard.js';
import type { ChatRecord, EmulatorState } from '../state.js';
import type { InlineKeyboardMarkup, Message, MessageEntity } from '../types.js';
import type { MethodContext, MethodHandler } from './context.js';
import { readFormatted, readReplyMarkup, requireMessageId } from './shared.js';

/**
 * Finds the bot message an edit targets. Inline messages (inline_message_id) are not
 * modelled, so they are always "not found".
 */
function findEditable(ctx: MethodContext): { chat: ChatRecord; message: Message } {
  const { params, state } = ctx;
  if (params.has('inline_message_id') && !params.has('chat_id')) throw badRequest(Descriptions.messageToEditNotFound);
  const chat = state.requireChat(params.string('chat_id'));
  const messageId = requireMessageId(params);
  const message = chat.messages.get(messageId);
  if (!message) throw badRequest(Descriptions.messageToEditNotFound);
  if (message.from?.id !== state.bot.id) throw badRequest(Descriptions.messageCantBeEdited);
  return { chat, message };
}

function sameEntities(a: MessageEntity[] | undefined, b: MessageEntity[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** Stores the edited message (with edit_date), records the event and returns the message. */
function commitEdit(
  ctx: MethodContext,
  method: string,
  chat: ChatRecord,
  edited: Message,
  state: EmulatorState,
): Message {
  const message: Message = { ...edited, edit_date: Math.floor(Date.now() / 1000) };
  state.replaceMessage(chat, message);
  ctx.outbox.record({ method, chat_id: chat.chat.id, message_id: message.message_id, message });
  return message;
}

function withMarkup(message: Message, markup: InlineKeyboardMarkup | undefined): Message {
  const { reply_markup: _old, ...rest } = message;
  return markup ? { ...rest, reply_markup: markup } : rest;
}

/**
 * editMessageText. As with the real API, omitting reply_markup removes an existing inline
 * keyboard, and an edit that changes nothing fails with "message is not modified".
 */
export const editMessageText: MethodHandler = (ctx: MethodContext) => {
  const formatted = readFormatted(ctx.params, 'text');
  const parsed = readReplyMarkup(ctx.params);
  const markup = parsed.kind === 'inline' ? parsed.markup : undefined;
  const { chat, message } = findEditable(ctx);
  if (message.text === undefined) throw badRequest(Descriptions.noTextToEdit);
  if (message.text === formatted.text && sameEntities(message.entities, formatted.entities) && sameMarkup(message.reply_markup, markup)) {
    throw badRequest(Descriptions.notModified);
  }
  const { entities: _e, ...rest } = message;
  const edited: Message = {
    ...rest,
    text: formatted.text,
    ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}),
  };
  return commitEdit(ctx, 'editMessageText', chat, withMarkup(edited, markup), ctx.state);
};

/** editMessageCaption for photo and document messages. */
export const editMessageCaption: MethodHandler = (ctx: MethodContext) => {
  const formatted = readFormatted(ctx.params, 'caption');
  const parsed = readReplyMarkup(ctx.params);
  const markup = parsed.kind === 'inline' ? parsed.markup : undefined;
  const { chat, message } = findEditable(ctx);
  if (!message.photo && !message.document) throw badRequest(Descriptions.noCaptionToEdit);
  if (
    (message.caption ?? '') === formatted.text &&
    sameEntities(message.caption_entities, formatted.entities) &&
    sameMarkup(message.reply_markup, markup)
  ) {
    throw badRequest(Descriptions.notModified);
  }
  const { caption: _c, caption_entities: _ce, ...rest } = message;
  const edited: Message = {
    ...rest,
    ...(formatted.text ? { caption: formatted.text } : {}),
    ...(formatted.entities.length > 0 ? { caption_entities: formatted.entities } : {}),
  };
  return commitEdit(ctx, 'editMessageCaption', chat, withMarkup(edited, markup), ctx.state);
};

/** editMessageReplyMarkup: replaces or (with no/empty markup) removes the inline keyboard. */
export const editMessageReplyMarkup: MethodHandler = (ctx: MethodContext) => {
  const parsed = readReplyMarkup(ctx.params);
  const markup = parsed.kind === 'inline' ? parsed.markup : undefined;
  const { chat, message } = findEditable(ctx);
  if (sameMarkup(message.reply_markup, markup)) throw badRequest(Descriptions.notModified);
  return commitEdit(ctx, 'editMessageReplyMarkup', chat, withMarkup(message, markup), ctx.state);
};

import { badRequest, Descriptions } from '../errors.js';
import type { Message } from '../types.js';
import type { MethodContext, MethodHandler } from './context.js';
import { commonSendFields, readFormatted, readLinkPreview, readReplyMarkup } from './shared.js';

/** Actions sendChatAction accepts. */
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** sendMessage: text with entities/parse_mode, inline keyboard, reply and link preview options. */
export const sendMessage: MethodHandler = ({ params, state, outbox }: MethodContext) => {
  const formatted = readFormatted(params, 'text');
  const markup = readReplyMarkup(params);
  const chat = state.requireChat(params.string('chat_id'));
  const common = commonSendFields(params, chat, markup);
  const linkPreview = readLinkPreview(params);
  const { reply_markup, ...rest } = common;
  const content: Omit<Message, 'message_id' | 'chat' | 'date'> = {
    from: state.botAsSender,
    ...rest,
    text: formatted.text,
    ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}),
    ...(linkPreview ? { link_preview_options: linkPreview } : {}),
    ...(reply_markup ? { reply_markup } : {}),
  };
  const message = state.appendMessage(chat, content);
  outbox.record({ method: 'sendMessage', chat_id: chat.chat.id, message_id: message.message_id, message });
  return message;
};

/** deleteMessage: any message of a private chat (the bot's own or the user's). */
export const deleteMessage: MethodHandler = ({ params, state, outbox }: MethodContext) => {
  const chat = state.requireChat(params.string('chat_id'));
  const messageId = params.int('message_id');
  if (messageId === undefined || !chat.messages.delete(messageId)) throw badRequest(Descriptions.messageToDeleteNotFound);
  outbox.record({ method: 'deleteMessage', chat_id: chat.chat.id, message_id: messageId });
  return true;
};

/** sendChatAction: validated and recorded; it has no lasting effect on the chat. */
export const sendChatAction: MethodHandler = ({ params, state, outbox }: MethodContext) => {
  const chat = state.requireChat(params.string('chat_id'));
  const action = params.string('action') ?? '';
  if (!CHAT_ACTIONS.has(action)) throw badRequest(Descriptions.wrongAction);
  outbox.record({ method: 'sendChatAction', chat_id: chat.chat.id, action });
  return true;
};


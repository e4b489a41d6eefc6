import { answerCallbackQuery, deleteMyCommands, getChat, getMe, getMyCommands, setMyCommands } from './bot.js';
import { methodTable, type MethodTable } from './context.js';
import { editMessageCaption, editMessageReplyMarkup, editMessageText } from './edits.js';
import { getFile, sendDocument, sendPhoto } from './media.js';
import { deleteMessage, sendChatAction, sendMessage } from './messages.js';
import { deleteWebhook, getUpdates, getWebhookInfo, setWebhook } from './updates.js';

export { Described, type MethodContext, type MethodHandler, type MethodTable } from './context.js';

/** Every Bot API method the emulator implements; anything else is 404 "Not Found". */
export const METHODS: MethodTable = methodTable({
  getMe,
  getChat,
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo,
  sendMessage,
  sendPhoto,
  sendDocument,
  editMessageText,
  editMessageCaption,
  editMessageReplyMarkup,
  deleteMessage,
  answerCallbackQuery,
  sendChatAction,
  setMyCommands,
  getMyCommands,
  deleteMyCommands,
  getFile,
});

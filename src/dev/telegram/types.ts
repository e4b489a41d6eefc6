/**
 * Bot API wire objects, as the emulator serialises them.
 *
 * These mirror https://core.telegram.org/bots/api field names exactly (snake_case) because
 * they go over the wire unchanged. Only the fields the emulator can produce are declared;
 * optional fields are omitted from the JSON rather than sent as `null`, like the real API.
 */

/** A Telegram user or bot. */
export interface User {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** The result of `getMe`. */
export interface BotUser extends User {
  is_bot: true;
  username: string;
  can_join_groups: boolean;
  can_read_all_group_messages: boolean;
  supports_inline_queries: boolean;
  can_connect_to_business: boolean;
  has_main_web_app: boolean;
}

/** Chat types the emulator models. Private chats are the main use; groups exist for edge tests. */
export type ChatType = 'private' | 'group' | 'supergroup';

/** A chat as it appears inside a Message. */
export interface Chat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

/** Every entity type the Bot API documents. */
export const MESSAGE_ENTITY_TYPES = [
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'url',
  'email',
  'phone_number',
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
  'blockquote',
  'expandable_blockquote',
  'code',
  'pre',
  'text_link',
  'text_mention',
  'custom_emoji',
] as const;

export type MessageEntityType = (typeof MESSAGE_ENTITY_TYPES)[number];

/** A formatting or auto-detected entity. Offsets and lengths are in UTF-16 code units. */
export interface MessageEntity {
  type: MessageEntityType;
  offset: number;
  length: number;
  url?: string;
  user?: User;
  language?: string;
  custom_emoji_id?: string;
}

export interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

export interface Document {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

/** The result of `getFile`. */
export interface File {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_path?: string;
}

export interface InlineKeyboardButton {
  text: string;
  url?: string;
  callback_data?: string;
  switch_inline_query?: string;
  switch_inline_query_current_chat?: string;
  copy_text?: { text: string };
  web_app?: { url: string };
  login_url?: { url: string; [key: string]: unknown };
  pay?: boolean;
  callback_game?: Record<string, never>;
  switch_inline_query_chosen_chat?: Record<string, unknown>;
}

export interface InlineKeyboardMarkup {
  inline_keyboard: InlineKeyboardButton[][];
}

export interface LinkPreviewOptions {
  is_disabled?: boolean;
  url?: string;
  prefer_small_media?: boolean;
  prefer_large_media?: boolean;
  show_above_text?: boolean;
}

export interface Message {
  message_id: number;
  from?: User;
  chat: Chat;
  date: number;
  edit_date?: number;
  reply_to_message?: Message;
  has_protected_content?: true;
  text?: string;
  entities?: MessageEntity[];
  link_preview_options?: LinkPreviewOptions;
  photo?: PhotoSize[];
  document?: Document;
  caption?: string;
  caption_entities?: MessageEntity[];
  reply_markup?: InlineKeyboardMarkup;
}

export interface CallbackQuery {
  id: string;
  from: User;
  message?: Message;
  chat_instance: string;
  data?: string;
}

/**
 * An incoming update. `update_id` plus exactly one payload field; kept open-ended because
 * `injectRawUpdate` may carry any (even malformed) payload.
 */
export interface Update {
  update_id: number;
  message?: Message;
  edited_message?: Message;
  callback_query?: CallbackQuery;
  [payload: string]: unknown;
}

export interface BotCommand {
  command: string;
  description: string;
}

export interface WebhookInfo {
  url: string;
  has_custom_certificate: boolean;
  pending_update_count: number;
  max_connections?: number;
  allowed_updates?: string[];
  last_error_date?: number;
  last_error_message?: string;
}

/** The JSON envelope of every Bot API response. */
export type ApiResponse<T = unknown> =
  | { ok: true; result: T; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: ResponseParameters };

export interface ResponseParameters {
  retry_after?: number;
  migrate_to_chat_id?: number;
}

import { badRequest } from './errors.js';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from './types.js';

/** callback_data limit: 1–64 bytes of UTF-8. */
const MAX_CALLBACK_DATA_BYTES = 64;

/** Button fields that give an inline button its action; exactly one must be present. */
const ACTION_FIELDS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
] as const;

/**
 * The outcome of reading a `reply_markup` argument. Only inline keyboards are attached to the
 * sent message (the real API never echoes reply keyboards back), but reply keyboards and
 * remove/force-reply markups are still validated as objects and accepted.
 */
export type ParsedReplyMarkup = { kind: 'none' } | { kind: 'inline'; markup: InlineKeyboardMarkup } | { kind: 'other' };

/**
 * Validates a decoded `reply_markup` argument like the real API: inline buttons need text and
 * exactly one action, callback_data must be 1–64 bytes ("BUTTON_DATA_INVALID"), URLs must look
 * like URLs. Returns a normalised copy holding only known button fields, so two markups can be
 * compared for the "message is not modified" check.
 */
export function parseReplyMarkup(value: unknown): ParsedReplyMarkup {
  if (value === undefined || value === null) return { kind: 'none' };
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('object expected as reply markup');
  const obj = value as Record<string, unknown>;
  if ('inline_keyboard' in obj) {
    const markup = parseInlineKeyboard(obj.inline_keyboard);
    // An empty inline keyboard is how bots remove one; the message then has no reply_markup.
    return markup.inline_keyboard.length === 0 ? { kind: 'none' } : { kind: 'inline', markup };
  }
  if ('keyboard' in obj) {
    if (!Array.isArray(obj.keyboard) || !obj.keyboard.every(Array.isArray)) {
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    }
    return { kind: 'other' };
  }
  if ('remove_keyboard' in obj || 'force_reply' in obj) return { kind: 'other' };
  throw badRequest('object expected as reply markup');
}

function parseInlineKeyboard(rows: unknown): InlineKeyboardMarkup {
  if (!Array.isArray(rows)) throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array');
  const inline_keyboard = rows.map((row) => {
    if (!Array.isArray(row)) throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    return row.map(parseButton);
  });
  return { inline_keyboard: inline_keyboard.filter((row) => row.length > 0) };
}

function parseButton(raw: unknown): InlineKeyboardButton {
  const fail = (detail: string): never => {
    throw badRequest(`can't parse inline keyboard button: ${detail}`);
  };
  if (raw === null || typeof raw !== 'object') return fail('InlineKeyboardButton must be an Object');
  const b = raw as Record<string, unknown>;
  if (typeof b.text !== 'string') return fail('Field "text" must be of type String');
  const actions = ACTION_FIELDS.filter((f) => b[f] !== undefined && b[f] !== null && b[f] !== false);
  if (actions.length === 0) return fail('Text buttons are unallowed in the inline keyboard');

  const button: InlineKeyboardButton = { text: b.text };
  // The real API uses the first action it recognises; extra ones are ignored, not rejected.
  const action = actions[0]!;
  const value = b[action];
  switch (action) {
    case 'callback_data': {
      if (typeof value !== 'string') return fail('Field "callback_data" must be of type String');
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes === 0 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest('BUTTON_DATA_INVALID');
      button.callback_data = value;
      break;
    }
    case 'url':
      if (typeof value !== 'string') return fail('Field "url" must be of type String');
      if (!/^(https?|tg|ftp):\/\/[^\s]+$/i.test(value) && !/^[a-z0-9.-]+\.[a-z]{2,}(\/\S*)?$/i.test(value)) {
        throw badRequest(`inline keyboard button URL '${value}' is invalid: Wrong HTTP URL`);
      }
      button.url = value;
      break;
    case 'switch_inline_query':
    case 'switch_inline_query_current_chat':
      if (typeof value !== 'string') return fail(`Field "${action}" must be of type String`);
      button[action] = value;
      break;
    case 'pay':
      button.pay = true;
      break;
    case 'callback_game':
      button.callback_game = {};
      break;
    default:
      if (typeof value !== 'object') return fail(`Field "${action}" must be of type Object`);
      (button as unknown as Record<string, unknown>)[action] = value;
  }
  return button;
}

/** Structural equality of two optional inline keyboards (both already normalised). */
export function sameMarkup(a: InlineKeyboardMarkup | undefined, b: InlineKeyboardMarkup | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

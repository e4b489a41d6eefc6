import { badRequest, Descriptions } from '../errors.js';
import { formatText, type FormattedText, type TextKind } from '../formatting/index.js';
import { parseReplyMarkup, type ParsedReplyMarkup } from '../keyboard.js';
import type { Params } from '../params.js';
import type { ChatRecord } from '../state.js';
import type { LinkPreviewOptions, Message } from '../types.js';

/** Reads and validates text + parse_mode + entities (or the caption variants). */
export function readFormatted(params: Params, kind: TextKind): FormattedText {
  const prefix = kind === 'text' ? '' : 'caption_';
  return formatText({
    kind,
    text: params.string(kind),
    parseMode: params.string('parse_mode'),
    entities: params.json(kind === 'text' ? 'entities' : 'caption_entities', `can't parse ${prefix}entities JSON object`),
  });
}

/** Reads and validates reply_markup. */
export function readReplyMarkup(params: Params): ParsedReplyMarkup {
  return parseReplyMarkup(params.json('reply_markup', "can't parse reply keyboard markup JSON object"));
}

/** The message_id argument of edit/delete methods. */
export function requireMessageId(params: Params): number {
  const id = params.int('message_id');
  if (id === undefined || id <= 0) throw badRequest('message identifier is not specified');
  return id;
}

/**
 * The message being replied to, from reply_parameters or the legacy reply_to_message_id.
 * Nested like the real API: the replied message without its own reply_to_message.
 */
export function readReplyTo(params: Params, chat: ChatRecord): Message | undefined {
  const rp = params.json('reply_parameters', "can't parse reply parameters JSON object") as
    | { message_id?: unknown; chat_id?: unknown; allow_sending_without_reply?: unknown }
    | undefined;
  let messageId: number | undefined;
  let allowWithout = params.bool('allow_sending_without_reply');
  if (rp && typeof rp === 'object') {
    messageId = typeof rp.message_id === 'number' ? rp.message_id : Number(rp.message_id);
    allowWithout = rp.allow_sending_without_reply === true;
    if (rp.chat_id !== undefined && String(rp.chat_id) !== String(chat.chat.id)) {
      // Cross-chat replies need a second chat the emulator does not model in depth.
      throw badRequest(Descriptions.replyNotFound);
    }
  } else {
    messageId = params.int('reply_to_message_id');
  }
  if (messageId === undefined || !Number.isFinite(messageId) || messageId <= 0) return undefined;
  const target = chat.messages.get(messageId);
  if (!target) {
    if (allowWithout) return undefined;
    throw badRequest(Descriptions.replyNotFound);
  }
  const { reply_to_message: _nested, ...flat } = target;
  return flat;
}

/** link_preview_options, or the legacy disable_web_page_preview flag. */
export function readLinkPreview(params: Params): LinkPreviewOptions | undefined {
  const options = params.json('link_preview_options', "can't parse link preview options JSON object");
  if (options && typeof options === 'object' && !Array.isArray(options)) {
    const o = options as Record<string, unknown>;
    const out: LinkPreviewOptions = {};
    for (const key of ['is_disabled', 'prefer_small_media', 'prefer_large_media', 'show_above_text'] as const) {
      if (o[key] === true) out[key] = true;
    }
    if (typeof o.url === 'string' && o.url) out.url = o.url;
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return params.bool('disable_web_page_preview') ? { is_disabled: true } : undefined;
}

/** Shared optional content of every send: reply target, markup, protection. */
export function commonSendFields(
  params: Params,
  chat: ChatRecord,
  markup: ParsedReplyMarkup,
): Pick<Message, 'reply_to_message' | 'reply_markup' | 'has_protected_content'> {
  const replyTo = readReplyTo(params, chat);
  return {
    ...(replyTo ? { reply_to_message: replyTo } : {}),
    ...(params.bool('protect_content') ? { has_protected_content: true as const } : {}),
    ...(markup.kind === 'inline' ? { reply_markup: markup.markup } : {}),
  };
}

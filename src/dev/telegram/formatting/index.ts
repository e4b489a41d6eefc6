import { badRequest } from '../errors.js';
import { MESSAGE_ENTITY_TYPES, type MessageEntity, type MessageEntityType, type User } from '../types.js';
import { withDetectedEntities } from './autodetect.js';
import { parseHtml } from './html.js';
import { parseLegacyMarkdown } from './markdown.js';
import { parseMarkdownV2 } from './markdown-v2.js';
import { EntityParseError, sortEntities, trimFormatted, type FormattedText } from './text.js';

export type { FormattedText } from './text.js';

/** Bot API limits on text length, in UTF-16 code units after entity parsing. */
export const MAX_TEXT_LENGTH = 4096;
export const MAX_CAPTION_LENGTH = 1024;

const ENTITY_TYPE_SET: ReadonlySet<string> = new Set(MESSAGE_ENTITY_TYPES);

/** What is being formatted: message text is required, captions are optional. */
export type TextKind = 'text' | 'caption';

/** Inputs of one formatted text, as received by a send/edit method. */
export interface FormatInput {
  kind: TextKind;
  text: string | undefined;
  parseMode: string | undefined;
  /** The `entities` / `caption_entities` argument, already JSON-decoded. */
  entities: unknown;
}

/**
 * Turns a text argument into the text and entities the real API would store: applies explicit
 * entities (which take precedence over parse_mode) or the parse mode, trims surrounding
 * whitespace, enforces the length limits and adds auto-detected entities (commands, mentions,
 * hashtags, cashtags, URLs, e-mails).
 *
 * @throws BotApiError with the real API's 400 descriptions.
 */
export function formatText(input: FormatInput): FormattedText {
  const raw = input.text ?? '';
  if (input.kind === 'text' && raw.length === 0) throw badRequest('message text is empty');

  let parsed: FormattedText;
  if (Array.isArray(input.entities) && input.entities.length > 0) {
    parsed = { text: raw, entities: validateEntities(raw, input.entities) };
  } else if (input.entities !== undefined && !Array.isArray(input.entities)) {
    throw badRequest("can't parse entities JSON object");
  } else {
    parsed = parseWithMode(raw, input.parseMode);
  }

  const trimmed = trimFormatted(parsed);
  if (input.kind === 'text') {
    if (trimmed.text.length === 0) throw badRequest('message text is empty');
    if (trimmed.text.length > MAX_TEXT_LENGTH) throw badRequest('message is too long');
  } else if (trimmed.text.length > MAX_CAPTION_LENGTH) {
    throw badRequest('message caption is too long');
  }
  return { text: trimmed.text, entities: sortEntities(withDetectedEntities(trimmed.text, trimmed.entities)) };
}

/** Plain user-typed text: trimmed, with auto-detected entities only (no parse mode). */
export function formatUserText(text: string): FormattedText {
  const trimmed = trimFormatted({ text, entities: [] });
  return { text: trimmed.text, entities: sortEntities(withDetectedEntities(trimmed.text, [])) };
}

function parseWithMode(text: string, parseMode: string | undefined): FormattedText {
  const mode = (parseMode ?? '').toLowerCase();
  try {
    switch (mode) {
      case '':
        return { text, entities: [] };
      case 'html':
        return parseHtml(text);
      case 'markdownv2':
        return parseMarkdownV2(text);
      case 'markdown':
        return parseLegacyMarkdown(text);
      default:
        throw badRequest('unsupported parse_mode');
    }
  } catch (err) {
    if (err instanceof EntityParseError) throw badRequest(`can't parse entities: ${err.message}`);
    throw err;
  }
}

/**
 * Validates an explicit entities array against its text. Unknown types and entities outside
 * the text are rejected as "can't parse entities" (the brief's contract for this emulator).
 */
export function validateEntities(text: string, raw: unknown[]): MessageEntity[] {
  const fail = (detail: string): never => {
    throw badRequest(`can't parse entities: ${detail}`);
  };
  return raw.map((item, index) => {
    if (item === null || typeof item !== 'object') return fail(`entity ${index} is not an object`);
    const e = item as Record<string, unknown>;
    if (typeof e.type !== 'string' || !ENTITY_TYPE_SET.has(e.type)) {
      return fail(`Unsupported entity type "${String(e.type)}"`);
    }
    const type = e.type as MessageEntityType;
    const { offset, length } = e;
    if (!Number.isInteger(offset) || !Number.isInteger(length) || (offset as number) < 0 || (length as number) <= 0) {
      return fail(`Invalid offset or length of entity ${index}`);
    }
    const end = (offset as number) + (length as number);
    if (end > text.length) {
      return fail(`Entity ${index} (offset ${String(offset)}, length ${String(length)}) is out of the text of length ${text.length}`);
    }
    const entity: MessageEntity = { type, offset: offset as number, length: length as number };
    if (type === 'text_link') {
      if (typeof e.url !== 'string' || e.url === '') return fail('Field "url" must be of type String');
      entity.url = e.url;
    } else if (type === 'text_mention') {
      const user = e.user as Partial<User> | undefined;
      if (!user || typeof user.id !== 'number') return fail('Field "user" must be of type Object');
      entity.user = { id: user.id, is_bot: user.is_bot ?? false, first_name: user.first_name ?? '' };
    } else if (type === 'custom_emoji') {
      if (typeof e.custom_emoji_id !== 'string') return fail('Field "custom_emoji_id" must be of type String');
      entity.custom_emoji_id = e.custom_emoji_id;
    } else if (type === 'pre' && typeof e.language === 'string' && e.language !== '') {
      entity.language = e.language;
    }
    return entity;
  });
}

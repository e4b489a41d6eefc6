import type { MessageEntity, MessageEntityType } from '../types.js';
import { byteOffset, EntityParseError, type FormattedText } from './text.js';

/** Characters MarkdownV2 reserves; outside an entity marker each must be escaped with '\'. */
const RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));

/** Names the real API uses for entities in "Can't find end of X entity" errors. */
type Kind = 'Bold' | 'Italic' | 'Underline' | 'Strikethrough' | 'Spoiler' | 'TextUrl';

const KIND_TYPES: Record<Exclude<Kind, 'TextUrl'>, MessageEntityType> = {
  Bold: 'bold',
  Italic: 'italic',
  Underline: 'underline',
  Strikethrough: 'strikethrough',
  Spoiler: 'spoiler',
};

interface Open {
  kind: Kind;
  /** Output offset of the entity's first character. */
  start: number;
  /** Source index of the opening marker, for error offsets. */
  sourceIndex: number;
}

/**
 * Parses `parse_mode: MarkdownV2`. Supports bold, italic, underline, strikethrough, spoiler,
 * inline/pre code, text links and `>` block quotes; reports unescaped reserved characters and
 * unterminated entities with the real API's wording and UTF-8 byte offsets.
 */
export function parseMarkdownV2(source: string): FormattedText {
  let out = '';
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let quoteStart: number | undefined;
  let i = 0;

  const reserved = (index: number): never => {
    throw new EntityParseError(`Character '${source[index]}' is reserved and must be escaped with the preceding '\\'`);
  };
  const toggle = (kind: Exclude<Kind, 'TextUrl'>, index: number, width: number): void => {
    const top = stack[stack.length - 1];
    if (top?.kind === kind) {
      stack.pop();
      if (out.length > top.start) entities.push({ type: KIND_TYPES[kind], offset: top.start, length: out.length - top.start });
    } else if (stack.some((o) => o.kind === kind)) {
      // Closing an outer entity across an inner one: the inner one is what is left open.
      throw new EntityParseError(`Can't find end of ${top!.kind} entity at byte offset ${byteOffset(source, top!.sourceIndex)}`);
    } else {
      stack.push({ kind, start: out.length, sourceIndex: index });
    }
    i = index + width;
  };

  while (i < source.length) {
    const c = source[i]!;
    const atLineStart = i === 0 || source[i - 1] === '\n';
    if (c === '\\' && i + 1 < source.length && source.charCodeAt(i + 1) < 127) {
      out += source[i + 1];
      i += 2;
      continue;
    }
    if (c === '\n' && quoteStart !== undefined && source[i + 1] !== '>') {
      entities.push({ type: 'blockquote', offset: quoteStart, length: out.length - quoteStart });
      quoteStart = undefined;
    }
    if (!RESERVED.has(c)) {
      out += c;
      i++;
      continue;
    }
    switch (c) {
      case '*':
        toggle('Bold', i, 1);
        break;
      case '~':
        toggle('Strikethrough', i, 1);
        break;
      case '_':
        if (source[i + 1] === '_') toggle('Underline', i, 2);
        else toggle('Italic', i, 1);
        break;
      case '|':
        if (source[i + 1] !== '|') reserved(i);
        toggle('Spoiler', i, 2);
        break;
      case '[':
        stack.push({ kind: 'TextUrl', start: out.length, sourceIndex: i });
        i++;
        break;
      case ']': {
        const top = stack[stack.length - 1];
        if (top?.kind !== 'TextUrl') reserved(i);
        stack.pop();
        if (source[i + 1] !== '(') {
          throw new EntityParseError(`Can't find end of a URL at byte offset ${byteOffset(source, i + 1)}`);
        }
        const { value: url, end } = readUntil(source, i + 2, ')', 'a URL');
        if (url && out.length > top!.start) {
          entities.push({ type: 'text_link', offset: top!.start, length: out.length - top!.start, url });
        }
        i = end + 1;
        break;
      }
      case '`': {
        if (source.startsWith('```', i)) {
          const newline = source.indexOf('\n', i + 3);
          const close = source.indexOf('```', i + 3);
          const hasLanguage = newline !== -1 && (close === -1 || newline < close);
          const language = hasLanguage ? source.slice(i + 3, newline) : '';
          const bodyStart = hasLanguage ? newline + 1 : i + 3;
          const { value, end } = readUntil(source, bodyStart, '```', 'Pre', i);
          if (value.length > 0) {
            entities.push({ type: 'pre', offset: out.length, length: value.length, ...(language ? { language } : {}) });
          }
          out += value;
          i = end + 3;
        } else {
          const { value, end } = readUntil(source, i + 1, '`', 'Code', i);
          if (value.length > 0) entities.push({ type: 'code', offset: out.length, length: value.length });
          out += value;
          i = end + 1;
        }
        break;
      }
      case '>':
        if (!atLineStart) reserved(i);
        quoteStart ??= out.length;
        i++;
        break;
      default:
        reserved(i);
    }
  }
  if (quoteStart !== undefined && out.length > quoteStart) {
    entities.push({ type: 'blockquote', offset: quoteStart, length: out.length - quoteStart });
  }
  const open = stack.pop();
  if (open) throw new EntityParseError(`Can't find end of ${open.kind} entity at byte offset ${byteOffset(source, open.sourceIndex)}`);
  return { text: out, entities };
}

/**
 * Reads raw text up to `terminator`, honouring '\' escapes (the only escapes allowed inside
 * code, pre and URLs). Fails like the real API when the terminator never comes.
 */
function readUntil(
  source: string,
  from: number,
  terminator: string,
  kind: string,
  openedAt = from,
): { value: string; end: number } {
  let value = '';
  let i = from;
  while (i < source.length) {
    if (source[i] === '\\' && i + 1 < source.length) {
      value += source[i + 1];
      i += 2;
      continue;
    }
    if (source.startsWith(terminator, i)) return { value, end: i };
    value += source[i];
    i++;
  }
  const what = kind === 'a URL' ? 'a URL' : `${kind} entity`;
  throw new EntityParseError(`Can't find end of ${what} at byte offset ${byteOffset(source, openedAt)}`);
}

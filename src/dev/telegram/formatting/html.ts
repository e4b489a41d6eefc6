import type { MessageEntity, MessageEntityType } from '../types.js';
import { byteOffset, EntityParseError, type FormattedText } from './text.js';

interface OpenTag {
  name: string;
  attrs: Map<string, string>;
  /** Output (UTF-16) offset where the tag's content starts. */
  start: number;
}

/** Tags the Bot API's HTML style supports, mapped to entity types (span/a/pre are special). */
const SIMPLE_TAGS: Record<string, MessageEntityType> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
};
const SUPPORTED_TAGS = new Set([...Object.keys(SIMPLE_TAGS), 'a', 'span', 'blockquote', 'tg-emoji']);

/** The only named entities the Bot API decodes; anything else stays literal text. */
const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

const ENTITY_RE = /^&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|([a-z]+));/i;
const TAG_NAME_RE = /^[a-z][a-z0-9-]*/i;
const ATTR_RE = /^([a-z][a-z0-9-]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/i;

/**
 * Parses `parse_mode: HTML` text into plain text and entities, raising EntityParseError with
 * the same wording (and UTF-8 byte offsets) as the real API for the common mistakes:
 * unsupported tags, unclosed or mismatched tags.
 */
export function parseHtml(source: string): FormattedText {
  let out = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  // Language of a <code class="language-x">, kept until an enclosing <pre> picks it up.
  const codeLanguages = new WeakMap<MessageEntity, string>();
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === '&') {
      const m = ENTITY_RE.exec(source.slice(i, i + 12));
      const decoded = m ? decodeEntity(m) : undefined;
      if (m && decoded !== undefined) {
        out += decoded;
        i += m[0].length;
      } else {
        out += c;
        i++;
      }
      continue;
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }
    const tagStart = i;
    if (source[i + 1] === '/') {
      const name = (TAG_NAME_RE.exec(source.slice(i + 2))?.[0] ?? '').toLowerCase();
      let j = i + 2 + name.length;
      while (j < source.length && /\s/.test(source[j]!)) j++;
      if (source[j] !== '>') throw new EntityParseError(`Unclosed end tag at byte offset ${byteOffset(source, tagStart)}`);
      const open = stack.pop();
      if (!open) throw new EntityParseError(`Unexpected end tag at byte offset ${byteOffset(source, tagStart)}`);
      if (open.name !== name) {
        throw new EntityParseError(
          `Unmatched end tag at byte offset ${byteOffset(source, tagStart)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      closeTag(open, out.length, entities, codeLanguages);
      i = j + 1;
      continue;
    }
    const name = (TAG_NAME_RE.exec(source.slice(i + 1))?.[0] ?? '').toLowerCase();
    if (!SUPPORTED_TAGS.has(name)) {
      throw new EntityParseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(source, tagStart)}`);
    }
    let j = i + 1 + name.length;
    const attrs = new Map<string, string>();
    for (;;) {
      while (j < source.length && /\s/.test(source[j]!)) j++;
      if (j >= source.length) throw new EntityParseError(`Unclosed start tag at byte offset ${byteOffset(source, tagStart)}`);
      if (source[j] === '>') break;
      const m = ATTR_RE.exec(source.slice(j));
      if (!m) {
        throw new EntityParseError(
          `Empty attribute name in the tag "${name}" at byte offset ${byteOffset(source, j)}`,
        );
      }
      attrs.set(m[1]!.toLowerCase(), decodeAttr(m[2] ?? m[3] ?? m[4] ?? ''));
      j += m[0].length;
    }
    if (name === 'span' && attrs.get('class') !== 'tg-spoiler') {
      throw new EntityParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(source, tagStart)}`);
    }
    stack.push({ name, attrs, start: out.length });
    i = j + 1;
  }
  const unclosed = stack.pop();
  if (unclosed) throw new EntityParseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  return { text: out, entities };
}

function closeTag(
  open: OpenTag,
  end: number,
  entities: MessageEntity[],
  codeLanguages: WeakMap<MessageEntity, string>,
): void {
  const length = end - open.start;
  if (length <= 0) return;
  const base = { offset: open.start, length };
  switch (open.name) {
    case 'a': {
      const href = open.attrs.get('href');
      if (href) entities.push({ type: 'text_link', ...base, url: href });
      return;
    }
    case 'span':
      entities.push({ type: 'spoiler', ...base });
      return;
    case 'blockquote':
      entities.push({ type: open.attrs.has('expandable') ? 'expandable_blockquote' : 'blockquote', ...base });
      return;
    case 'tg-emoji': {
      const id = open.attrs.get('emoji-id');
      if (id) entities.push({ type: 'custom_emoji', ...base, custom_emoji_id: id });
      return;
    }
    case 'pre': {
      // <pre><code class="language-x">…</code></pre> is one pre entity with a language.
      const last = entities[entities.length - 1];
      if (last && last.type === 'code' && last.offset === base.offset && last.length === base.length) {
        entities.pop();
        const language = codeLanguages.get(last);
        entities.push({ type: 'pre', ...base, ...(language ? { language } : {}) });
        return;
      }
      entities.push({ type: 'pre', ...base });
      return;
    }
    case 'code': {
      const cls = open.attrs.get('class');
      const entity: MessageEntity = { type: 'code', ...base };
      if (cls?.startsWith('language-')) codeLanguages.set(entity, cls.slice('language-'.length));
      entities.push(entity);
      return;
    }
    default:
      entities.push({ type: SIMPLE_TAGS[open.name]!, ...base });
  }
}

function decodeEntity(m: RegExpExecArray): string | undefined {
  const code = m[1] ? Number.parseInt(m[1], 16) : m[2] ? Number.parseInt(m[2], 10) : undefined;
  if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  return NAMED_ENTITIES[m[3]!.toLowerCase()];
}

function decodeAttr(value: string): string {
  return value.replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|([a-z]+));/gi, (whole, hex?: string, dec?: string, named?: string) => {
    const code = hex ? Number.parseInt(hex, 16) : dec ? Number.parseInt(dec, 10) : undefined;
    if (code !== undefined) return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    return NAMED_ENTITIES[named!.toLowerCase()] ?? whole;
  });
}

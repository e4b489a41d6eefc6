import type { MessageEntity } from '../types.js';
import { byteOffset, EntityParseError, type FormattedText } from './text.js';

/**
 * Parses the legacy `parse_mode: Markdown`: *bold*, _italic_, `code`, ```pre``` and
 * [text](url), no nesting. Only the entity markers themselves can be escaped.
 */
export function parseLegacyMarkdown(source: string): FormattedText {
  let out = '';
  const entities: MessageEntity[] = [];
  let i = 0;
  const unterminated = (at: number): never => {
    throw new EntityParseError(`Can't find end of the entity starting at byte offset ${byteOffset(source, at)}`);
  };
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\' && '_*`['.includes(source[i + 1] ?? '')) {
      out += source[i + 1];
      i += 2;
      continue;
    }
    if (c === '*' || c === '_') {
      const end = source.indexOf(c, i + 1);
      if (end === -1) unterminated(i);
      const inner = source.slice(i + 1, end);
      if (inner.length > 0) entities.push({ type: c === '*' ? 'bold' : 'italic', offset: out.length, length: inner.length });
      out += inner;
      i = end + 1;
    } else if (c === '`') {
      const fence = source.startsWith('```', i) ? '```' : '`';
      const end = source.indexOf(fence, i + fence.length);
      if (end === -1) unterminated(i);
      let inner = source.slice(i + fence.length, end);
      let language: string | undefined;
      if (fence === '```') {
        const newline = inner.indexOf('\n');
        if (newline !== -1 && /^[A-Za-z0-9+#-]+$/.test(inner.slice(0, newline))) {
          language = inner.slice(0, newline);
          inner = inner.slice(newline + 1);
        }
      }
      if (inner.length > 0) {
        entities.push({
          type: fence === '```' ? 'pre' : 'code',
          offset: out.length,
          length: inner.length,
          ...(language ? { language } : {}),
        });
      }
      out += inner;
      i = end + fence.length;
    } else if (c === '[') {
      const close = source.indexOf(']', i + 1);
      if (close === -1) unterminated(i);
      const label = source.slice(i + 1, close);
      if (source[close + 1] === '(') {
        const urlEnd = source.indexOf(')', close + 2);
        if (urlEnd === -1) unterminated(i);
        const url = source.slice(close + 2, urlEnd);
        if (label.length > 0 && url) entities.push({ type: 'text_link', offset: out.length, length: label.length, url });
        out += label;
        i = urlEnd + 1;
      } else {
        out += label;
        i = close + 1;
      }
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, entities };
}

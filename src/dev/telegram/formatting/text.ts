import type { MessageEntity } from '../types.js';

/** Text plus its entities, offsets in UTF-16 code units (what JS string indices already are). */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

/** A parse-mode failure; the message is the detail after "Bad Request: can't parse entities: ". */
export class EntityParseError extends Error {}

/**
 * Byte offset in the UTF-8 encoding of `source` at string index `index`. The real API reports
 * parse errors in UTF-8 byte offsets of the original text, so error messages use this.
 */
export function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index), 'utf8');
}

/** Entity ordering the real API uses: by offset, outer (longer) entities first. */
export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}

const TRIMMABLE = new Set([' ', '\t', '\n', '\r', '\v', '\f']);

/**
 * Strips leading and trailing whitespace and shifts/clips the entities to match, as the real
 * API does for every outgoing text and caption. Entities left empty are dropped.
 */
export function trimFormatted({ text, entities }: FormattedText): FormattedText {
  let start = 0;
  let end = text.length;
  while (start < end && TRIMMABLE.has(text[start]!)) start++;
  while (end > start && TRIMMABLE.has(text[end - 1]!)) end--;
  if (start === 0 && end === text.length) return { text, entities };
  const trimmed = text.slice(start, end);
  const out: MessageEntity[] = [];
  for (const e of entities) {
    const from = Math.max(e.offset, start) - start;
    const to = Math.min(e.offset + e.length, end) - start;
    if (to > from) out.push({ ...e, offset: from, length: to - from });
  }
  return { text: trimmed, entities: out };
}

import type { MessageEntity, MessageEntityType } from '../types.js';

/**
 * Patterns for the entities Telegram detects by itself in any text (user messages and bot
 * messages alike). Order matters: earlier kinds win overlaps, so `/cmd@bot` stays one
 * bot_command instead of a command plus a mention, and a URL swallows what looks like a hashtag.
 *
 * Simplification: URLs are detected only with an explicit scheme or a `www.` prefix; the real
 * server also detects bare domains against its TLD list.
 */
const DETECTORS: ReadonlyArray<[MessageEntityType, RegExp]> = [
  ['url', /(?<![\p{L}\p{N}_@.])(?:(?:https?|ftp|tg):\/\/|www\.)[^\s<>"]+/giu],
  ['bot_command', /(?<![\p{L}\p{N}_/\\])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\p{L}\p{N}_/])/gu],
  ['email', /(?<![\p{L}\p{N}_.+-])[\p{L}\p{N}_.+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu],
  ['mention', /(?<![\p{L}\p{N}_@])@[A-Za-z0-9_]{3,32}(?![\p{L}\p{N}_])/gu],
  ['hashtag', /(?<![\p{L}\p{N}_#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*/gu],
  ['cashtag', /(?<![\p{L}\p{N}_$])\$[A-Z]{1,8}(?![\p{L}\p{N}_])/gu],
];

/** Entities inside which nothing is auto-detected. */
const OPAQUE: ReadonlySet<MessageEntityType> = new Set(['code', 'pre', 'text_link', 'url', 'email', 'text_mention']);

/** Trailing characters a URL does not keep (sentence punctuation). */
const URL_TRAILING = /[.,:;!?'")\]]+$/;

/**
 * Returns `existing` plus the auto-detected entities that do not overlap an opaque entity or
 * an earlier detection. Does not sort.
 */
export function withDetectedEntities(text: string, existing: MessageEntity[]): MessageEntity[] {
  // Cheap pre-check: most messages contain none of the trigger characters.
  if (!/[/@#$:.]/.test(text)) return existing;
  const taken: Array<[number, number]> = existing
    .filter((e) => OPAQUE.has(e.type))
    .map((e) => [e.offset, e.offset + e.length]);
  const overlaps = (from: number, to: number): boolean => taken.some(([a, b]) => from < b && a < to);
  const found: MessageEntity[] = [];
  for (const [type, pattern] of DETECTORS) {
    for (const m of text.matchAll(pattern)) {
      let value = m[0];
      if (type === 'url') value = value.replace(URL_TRAILING, '');
      const from = m.index;
      const to = from + value.length;
      if (value.length < 2 || overlaps(from, to)) continue;
      taken.push([from, to]);
      found.push({ type, offset: from, length: value.length });
    }
  }
  return found.length === 0 ? existing : [...existing, ...found];
}

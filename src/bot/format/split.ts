/**
 * Splits formatted text (text + Telegram entities) into messages that fit a
 * size limit, keeping formatting intact across the cuts.
 *
 * Contract, for `chunks = splitFormatted(msg, limit)`:
 * - every `chunk.text.length <= limit` (UTF-16 code units) and is never cut
 *   inside a surrogate pair;
 * - each chunk is a contiguous slice `msg.text.slice(s, e)` and slices appear
 *   in order without overlap; the source text between two slices (and before
 *   the first / after the last) consists only of cut whitespace: space, tab,
 *   CR and LF. Nothing else is ever dropped. A chunk never starts or ends
 *   with such whitespace at a cut; only the message's own first and last
 *   characters are left as they were;
 * - no chunk is empty or whitespace-only;
 * - text that already fits comes back as one chunk, unchanged;
 * - an entity keeps covering exactly the same characters: it is clipped to
 *   each chunk it overlaps and re-based to that chunk, so one crossing a cut
 *   becomes two entities of the same type with the same extra fields
 *   (`url`, `language`, `user`, `custom_emoji_id`).
 *
 * Chunks are telegraf `FmtString`s, so `ctx.reply(chunk)` sends the entities.
 */
import { FmtString } from 'telegraf/format';
import type { MessageEntity } from 'telegraf/types';
import { CAPTION_LIMIT, MESSAGE_LIMIT } from './limits.js';

/** Anything with text and optional entities: a telegraf `FmtString`, a received message, … */
export interface FormattedText {
  readonly text: string;
  readonly entities?: readonly MessageEntity[] | undefined;
}

/** One message-sized piece; `entities` is always present (possibly empty). */
export type FormattedChunk = FmtString & { entities: MessageEntity[] };

/** A limit that cannot be honoured; a caller bug, so fail loudly. */
export class SplitLimitError extends RangeError {
  override readonly name = 'SplitLimitError';
}

/** Splits `msg` into chunks of at most `limit` UTF-16 code units. See the module contract. */
export function splitFormatted(msg: FormattedText, limit: number = MESSAGE_LIMIT): FormattedChunk[] {
  checkLimit(limit);
  return splitFrom(msg, 0, limit);
}

/**
 * For a photo whose caption may be too long: the first piece (≤ `captionLimit`)
 * becomes the caption, the remainder follows as text messages (≤ `textLimit`).
 * `caption` is undefined when there is nothing visible to put there.
 */
export function splitCaption(
  msg: FormattedText,
  captionLimit: number = CAPTION_LIMIT,
  textLimit: number = MESSAGE_LIMIT,
): { caption: FormattedChunk | undefined; rest: FormattedChunk[] } {
  checkLimit(captionLimit);
  checkLimit(textLimit);
  const { text } = msg;
  const cut = findCut(text, 0, captionLimit);
  const caption = hasInk(text, 0, cut.end) ? slice(msg, 0, cut.end) : undefined;
  return { caption, rest: splitFrom(msg, cut.next, textLimit) };
}

function checkLimit(limit: number): void {
  // 2 is the least that can always make progress without splitting a surrogate pair.
  if (!Number.isInteger(limit) || limit < 2) {
    throw new SplitLimitError(`split limit must be an integer ≥ 2, got ${limit}; use MESSAGE_LIMIT or CAPTION_LIMIT`);
  }
}

function splitFrom(msg: FormattedText, from: number, limit: number): FormattedChunk[] {
  const { text } = msg;
  const out: FormattedChunk[] = [];
  let start = from;
  while (start < text.length) {
    const cut = findCut(text, start, limit);
    if (hasInk(text, start, cut.end)) out.push(slice(msg, start, cut.end));
    start = cut.next;
  }
  return out;
}

/** The chunk starting at `start` is `[start, end)`; the next one starts at `next` (after skipped whitespace). */
interface Cut {
  readonly end: number;
  readonly next: number;
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

function isWs(code: number): boolean {
  return code === SPACE || code === LF || code === TAB || code === CR;
}

function hasInk(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isWs(text.charCodeAt(i))) return true;
  return false;
}

/**
 * Picks where the chunk starting at `start` ends. Preference: a blank line,
 * then a newline, then a space/tab — each only if the chunk would be at
 * least half full, so a paragraph break near the top does not produce a tiny
 * message. Failing that, the latest whitespace of any kind; failing that, a
 * hard cut at a grapheme boundary (never inside a surrogate pair).
 */
function findCut(text: string, start: number, limit: number): Cut {
  const n = text.length;
  if (n - start <= limit) return { end: n, next: n };
  const max = start + limit; // the chunk may end at most here; max < n
  let firstInk = start;
  while (firstInk < n && isWs(text.charCodeAt(firstInk))) firstInk++;

  // Candidate b: text[b] is whitespace and the chunk [start, b) has visible text.
  const halfFull = start + (limit >> 1);
  let blank = -1;
  let newline = -1;
  let space = -1;
  for (let b = max; b > firstInk; b--) {
    const c = text.charCodeAt(b);
    if (c === LF) {
      if (newline < 0) newline = b;
      if (isBlankLineEdge(text, b)) {
        blank = b;
        break; // the best kind, and scanning backwards this is the latest one
      }
    } else if (isWs(c) && space < 0) {
      space = b;
    }
    // Below half-full only the latest whitespace of any kind matters, and it is already known.
    if (b < halfFull && (newline >= 0 || space >= 0)) break;
  }
  const preferred = [blank, newline, space].find((b) => b >= halfFull);
  const b = preferred ?? Math.max(blank, newline, space); // -1 when there is no whitespace at all
  if (b >= 0) {
    let end = b;
    while (end > start && isWs(text.charCodeAt(end - 1))) end--;
    let next = b;
    while (next < n && isWs(text.charCodeAt(next))) next++;
    return { end, next };
  }
  const end = hardCut(text, start, max, firstInk);
  // Normally text[end] is visible (else it would have been a candidate); it is whitespace only
  // when a whitespace-only run longer than the limit was cut, and then the next chunk skips it too.
  let next = end;
  while (next < n && isWs(text.charCodeAt(next))) next++;
  return { end, next };
}

/** True when the newline at `b` starts or ends a line holding only whitespace. */
function isBlankLineEdge(text: string, b: number): boolean {
  for (let i = b - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === LF) return true;
    if (c !== SPACE && c !== TAB && c !== CR) break;
  }
  for (let i = b + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) return true;
    if (c !== SPACE && c !== TAB && c !== CR) break;
  }
  return false;
}

let graphemes: Intl.Segmenter | undefined;

/**
 * Latest grapheme boundary in (firstInk, max], so an emoji with modifiers or
 * a flag is not torn apart; if a single grapheme is longer than the whole
 * window, the latest position that does not split a surrogate pair.
 */
function hardCut(text: string, start: number, max: number, firstInk: number): number {
  graphemes ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  // A little past max so the segment containing max is seen whole.
  const window = text.slice(start, Math.min(text.length, max + 32));
  let best = -1;
  for (const { index } of graphemes.segment(window)) {
    const at = start + index;
    if (at > max) break;
    if (at > firstInk) best = at;
  }
  if (best > 0) return best;
  let end = max;
  if (isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end))) end--;
  return end;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** `text[s, e)` with the entities that overlap it, clipped and re-based. */
function slice(msg: FormattedText, s: number, e: number): FormattedChunk {
  const entities: MessageEntity[] = [];
  for (const ent of msg.entities ?? []) {
    const from = Math.max(ent.offset, s);
    const to = Math.min(ent.offset + ent.length, e);
    // Spread keeps type-specific fields (url, language, user, custom_emoji_id).
    if (to > from) entities.push({ ...ent, offset: from - s, length: to - from });
  }
  return new FmtString(msg.text.slice(s, e), entities) as FormattedChunk;
}

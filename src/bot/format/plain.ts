/**
 * Plain-text fallback for when Telegram rejects a message's formatting
 * ("can't parse entities"): resend the same words without entities.
 */
import type { FormattedText } from './split.js';

export interface PlainOptions {
  /**
   * Append ` (url)` after each text_link so the link survives (default true).
   * This makes the text longer: split the result again before sending.
   */
  readonly keepLinks?: boolean;
}

/** The message's text with all entities dropped. */
export function toPlain(msg: FormattedText, options: PlainOptions = {}): string {
  const { text } = msg;
  if (options.keepLinks === false) return text;
  const inserts: { at: number; s: string }[] = [];
  for (const e of msg.entities ?? []) {
    if (e.type !== 'text_link') continue;
    const end = Math.min(e.offset + e.length, text.length);
    // A link whose text already is the URL needs no repeat.
    if (text.slice(e.offset, end) === e.url) continue;
    inserts.push({ at: end, s: ` (${e.url})` });
  }
  // Stable ascending sort: links ending at the same place keep their entity order.
  inserts.sort((a, b) => a.at - b.at);
  let out = '';
  let pos = 0;
  for (const { at, s } of inserts) {
    out += text.slice(pos, at) + s;
    pos = at;
  }
  return out + text.slice(pos);
}

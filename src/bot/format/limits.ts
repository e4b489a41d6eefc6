/**
 * Telegram Bot API size limits, in UTF-16 code units (the unit entity
 * offsets and lengths use, and the unit of JavaScript string length).
 */

/** sendMessage text. */
export const MESSAGE_LIMIT = 4096;
/** Caption of a photo, document, video, … */
export const CAPTION_LIMIT = 1024;
/** answerCallbackQuery text (the alert or toast a button press shows). */
export const CALLBACK_ANSWER_LIMIT = 200;

/**
 * A callback answer that fits Telegram's 200 characters: a longer text is cut
 * after its last whole sentence (or clause) that fits, marked "…", so an alert
 * never ends mid-word; the full story is on the card or in the chat.
 */
export function fitCallbackAnswer(text: string, limit = CALLBACK_ANSWER_LIMIT): string {
  if (text.length <= limit) return text;
  const room = text.slice(0, limit - 2);
  const cut = Math.max(room.lastIndexOf('. '), room.lastIndexOf('; '), room.lastIndexOf(': '));
  // A first sentence too long to keep whole: cut at the last word instead.
  if (cut >= limit / 3) return `${room.slice(0, cut + 1)} …`;
  return `${room.slice(0, Math.max(room.lastIndexOf(' '), limit / 2)).trimEnd()}…`;
}

/**
 * Telegram Bot API size limits, in UTF-16 code units (the unit entity
 * offsets and lengths use, and the unit of JavaScript string length).
 */

/** sendMessage text. */
export const MESSAGE_LIMIT = 4096;
/** Caption of a photo, document, video, … */
export const CAPTION_LIMIT = 1024;

/** Message formatting: Telegram-size splitting, plain fallback, and reply builders. */
export { CAPTION_LIMIT, MESSAGE_LIMIT } from './limits.js';
export { splitCaption, splitFormatted, SplitLimitError } from './split.js';
export type { FormattedChunk, FormattedText } from './split.js';
export { toPlain } from './plain.js';
export type { PlainOptions } from './plain.js';
export { MISSING, money, pct, signed } from './numbers.js';
export type { MoneyOptions, PercentOptions } from './numbers.js';
export { lines, PHONE_PRE_WIDTH, table } from './table.js';
export type { Cell, TableOptions } from './table.js';

import type { MessageEntity } from 'telegraf/types';

/** Text plus Telegram entities: what telegraf/format builds (FmtString) or a plain string. */
export interface Formatted {
  text: string;
  entities?: MessageEntity[];
}

/** One inline keyboard: rows of buttons with (signed) callback data. */
export type Keyboard = { text: string; callback_data: string }[][];

/** Normalises a string or FmtString into `Formatted`. */
export function asFormatted(msg: string | Formatted): Formatted {
  if (typeof msg === 'string') return { text: msg };
  return msg.entities && msg.entities.length > 0 ? { text: msg.text, entities: msg.entities } : { text: msg.text };
}

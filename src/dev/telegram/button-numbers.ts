import type { Message } from './types.js';

/** A callback button of a bot message with the number the terminal clients show for it. */
export interface NumberedButton {
  /** Unique in its chat for the emulator's life; never reused. */
  number: number;
  text: string;
  /** The button's callback_data. */
  data: string;
  message_id: number;
}

/**
 * Where a numbered button stands now:
 * - `live`: its message still shows it (pressing it is a real press);
 * - `replaced`: its message no longer shows it (pressed and answered, or edited away);
 * - `deleted`: its message was deleted (or fell out of the retained history).
 */
export type ButtonStanding = 'live' | 'replaced' | 'deleted';

interface ChatNumbers {
  next: number;
  byKey: Map<string, NumberedButton>;
  byNumber: Map<number, { button: NumberedButton; message: Message }>;
}

/** At most this many numbered buttons are remembered per chat (oldest forgotten first). */
const MAX_PER_CHAT = 10_000;

const keyOf = (messageId: number, data: string) => `${messageId}\u0000${data}`;

/**
 * Numbers every callback button the bot shows, per chat, with a counter: the
 * terminal chat and every `courtside chat` process see the same number for a
 * button, a button keeps its number when its message is edited and shows it
 * again, and a number is never given to another button. Numbers are assigned
 * when the emulator records a send or edit, in the order the bot did them.
 */
export class ButtonNumbers {
  private chats = new Map<number, ChatNumbers>();

  /** Numbers the callback buttons `message` shows now (new ones get the next numbers); returns them in keyboard order. */
  note(chatId: number, message: Message): NumberedButton[] {
    const rows = message.reply_markup?.inline_keyboard ?? [];
    const out: NumberedButton[] = [];
    for (const b of rows.flat()) {
      if (b.callback_data === undefined) continue;
      const chat = this.chat(chatId);
      const key = keyOf(message.message_id, b.callback_data);
      let button = chat.byKey.get(key);
      if (!button) {
        button = { number: chat.next++, text: b.text, data: b.callback_data, message_id: message.message_id };
        chat.byKey.set(key, button);
        if (chat.byNumber.size >= MAX_PER_CHAT) this.forgetOldest(chat);
      } else button.text = b.text;
      chat.byNumber.set(button.number, { button, message });
      out.push(button);
    }
    return out;
  }

  /** The button shown as `number` in the chat and the message it was last seen on; undefined if never shown (or forgotten). */
  lookup(chatId: number, number: number): { button: NumberedButton; message: Message } | undefined {
    return this.chats.get(chatId)?.byNumber.get(number);
  }

  /** Every numbered button of the chat, newest number first. */
  all(chatId: number): { button: NumberedButton; message: Message }[] {
    return [...(this.chats.get(chatId)?.byNumber.values() ?? [])].sort((a, b) => b.button.number - a.button.number);
  }

  /** Whether `button` is still on `current` (the message as the chat holds it now; undefined when deleted). */
  static standing(button: NumberedButton, current: Message | undefined): ButtonStanding {
    if (!current) return 'deleted';
    const shown = (current.reply_markup?.inline_keyboard ?? []).flat().some((b) => b.callback_data === button.data);
    return shown ? 'live' : 'replaced';
  }

  /** Forgets everything (the emulator's reset); numbering goes on from where it was so an old number never comes back. */
  clear(): void {
    for (const chat of this.chats.values()) {
      chat.byKey.clear();
      chat.byNumber.clear();
    }
  }

  private chat(chatId: number): ChatNumbers {
    let c = this.chats.get(chatId);
    if (!c) this.chats.set(chatId, (c = { next: 1, byKey: new Map(), byNumber: new Map() }));
    return c;
  }

  private forgetOldest(chat: ChatNumbers): void {
    const oldest = chat.byNumber.keys().next().value;
    if (oldest === undefined) return;
    const entry = chat.byNumber.get(oldest)!;
    chat.byNumber.delete(oldest);
    chat.byKey.delete(keyOf(entry.button.message_id, entry.button.data));
  }
}

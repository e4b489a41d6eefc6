import type { EmulatorMessage, EmulatorNumberedButton } from '../../dev/telegram/client.js';

/** Longest card name shown after a button label. */
const MAX_NAME = 24;

/**
 * What a message is about, in a word or two, so a button line can say which
 * card it belongs to ("[7] ✅ Approve TOL"): the message's first bold span (a
 * card's symbol is bold), else the head of its first line (up to " · ", ":"
 * or " — "), without leading emoji. Empty when there is nothing short to say.
 */
export function cardName(message: EmulatorMessage | undefined): string {
  if (!message) return '';
  const text = message.text ?? message.caption ?? '';
  const entities = message.text !== undefined ? message.entities : message.caption_entities;
  const bold = entities?.find((e) => e.type === 'bold');
  if (bold) {
    const name = text.slice(bold.offset, bold.offset + bold.length).trim();
    if (name && name.length <= MAX_NAME) return name;
  }
  const head = (text.split('\n')[0] ?? '')
    .replace(/^[^\p{L}\p{N}/]+/u, '')
    .split(/ · |: | — /)[0]!
    .trim();
  if (!head) return '';
  return head.length <= MAX_NAME ? head : `${head.slice(0, MAX_NAME - 1)}…`;
}

/**
 * A numbered button as the terminal shows it: "[7] ✅ Approve TOL" — the
 * card's name unless the label already says what it is about (it holds the
 * name's first word: "✅ Confirm resume" under "Resume trading?").
 */
export function buttonLine(button: Pick<EmulatorNumberedButton, 'number' | 'text'>, message: EmulatorMessage | undefined): string {
  const name = cardName(message);
  const firstWord = name.split(/\s+/)[0]!.toLowerCase();
  // Whole words: a one-letter ticker ("T") is inside almost any label ("Reject").
  const words = button.text.toLowerCase().split(/[^\p{L}\p{N}.]+/u);
  const named = name && !words.includes(firstWord) ? `${button.text} ${name}` : button.text;
  return `[${button.number}] ${named}`;
}

import { join } from 'node:path';
import { buttonsOf, EmulatorClient } from '../../dev/telegram/client.js';
import { ButtonBook, renderEvent } from './render-event.js';

export interface ChatOnceOptions {
  baseUrl: string;
  userId: number;
  /** Text to send, or null when only pressing a button. */
  text: string | null;
  /** Button to press after the text's replies (number or part of its label), on the newest message with buttons. */
  press?: string;
  /** Stop after this long without a new event once something arrived. */
  quietMs: number;
  /** Give up waiting for the first reply after this long. */
  timeoutMs: number;
  photoDir: string;
  print: (line: string) => void;
}

/**
 * Sends one message to a running local instance and prints the replies until
 * the chat goes quiet: the scriptable `courtside chat "/status"`.
 * Returns the number of events printed.
 */
export async function chatOnce(o: ChatOnceOptions): Promise<number> {
  const client = new EmulatorClient(o.baseUrl);
  const buttons = new ButtonBook();
  // Learn the newest seq (and any buttons already on screen) without printing history.
  const { events: history, last_seq } = await client.poll(o.userId, 0, 0);
  let after = last_seq;
  for (const ev of history) {
    const kb = buttonsOf(ev.message);
    if (ev.message && kb.length > 0) buttons.offer(ev.message.message_id, kb);
  }
  let printed = 0;
  const drain = async () => {
    const deadline = Date.now() + o.timeoutMs;
    let lastEventAt = 0;
    while (Date.now() < deadline) {
      const waitMs = lastEventAt ? Math.min(o.quietMs, 1_000) : 1_000;
      const events = await client.events(o.userId, after, waitMs);
      if (events.length === 0) {
        if (lastEventAt && Date.now() - lastEventAt >= o.quietMs) return;
        continue;
      }
      for (const ev of events) {
        after = Math.max(after, ev.seq);
        for (const line of await renderEvent(ev, client, join(o.photoDir), buttons)) o.print(line);
        printed++;
      }
      lastEventAt = Date.now();
    }
  };
  if (o.text !== null) {
    await client.sendMessage(o.userId, o.text);
    await drain();
  }
  if (o.press) {
    const b = buttons.find(o.press);
    if (!b) throw new Error(`No button matching "${o.press}" on the latest message. Send the command that shows it first.`);
    o.print(`👆 pressing [${b.text}]`);
    await client.pressButton(o.userId, b.messageId, b.data);
    await drain();
  }
  return printed;
}

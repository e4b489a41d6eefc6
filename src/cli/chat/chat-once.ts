import type { EmulatorClient } from '../../dev/telegram/client.js';
import type { ChatJob, ChatWork } from '../../jobs/chat-work.js';
import { chooseButton, pressChosen } from './press-button.js';
import { renderEvent } from './render-event.js';

export interface ChatOnceOptions {
  client: EmulatorClient;
  /** Where BullMQ says which of the chat's jobs are still running. */
  work: Pick<ChatWork, 'baseline' | 'outstanding'>;
  userId: number;
  /** Text to send, or null when only pressing a button. */
  text: string | null;
  /** Button to press after the text's replies: a number shown in brackets, or part of a label. */
  press?: string;
  /** Stop waiting after this long in all (the bot carries on). */
  timeoutMs: number;
  photoDir: string;
  print: (line: string) => void;
  /** How long one wait for new events lasts before the work is checked again. */
  pollMs?: number;
}

/** How a `courtside chat` ended: done, or stopped at the timeout while the bot was still working. */
export type ChatOnceResult = { done: true } | { done: false; handled: boolean; waitingOn: ChatJob[] };

/**
 * Sends one message (and/or presses one button) to a running local instance,
 * prints the replies, and returns when the bot is done with it: the update is
 * handled and every job it started for this chat (and every job those
 * started) has finished, so every message they sent is delivered. No quiet
 * period is guessed; at `timeoutMs` it stops and says what is still running.
 */
export async function chatOnce(o: ChatOnceOptions): Promise<ChatOnceResult> {
  const { client } = o;
  const chatId = o.userId;
  const deadline = Date.now() + o.timeoutMs;
  const pollMs = o.pollMs ?? 200;
  let after = await client.lastSeq();

  const printNew = async (waitMs: number): Promise<number> => {
    const events = await client.events(chatId, after, waitMs);
    for (const ev of events) {
      after = Math.max(after, ev.seq);
      for (const line of await renderEvent(ev, client, o.photoDir)) o.print(line);
    }
    return events.length;
  };
  /** Every event already delivered, printed. */
  const drain = async () => {
    while ((await printNew(0)) > 0);
  };

  const untilDone = async (act: () => Promise<number>): Promise<ChatOnceResult> => {
    const baseline = await o.work.baseline(chatId);
    const updateId = await act();
    let handled = false;
    let waitingOn: ChatJob[] = [];
    while (Date.now() < deadline) {
      await printNew(Math.max(0, Math.min(pollMs, deadline - Date.now())));
      handled ||= await client.updateHandled(updateId);
      if (!handled) continue;
      waitingOn = await o.work.outstanding(chatId, baseline);
      if (waitingOn.length === 0) {
        await drain();
        return { done: true };
      }
    }
    await drain();
    return { done: false, handled, waitingOn };
  };

  if (o.text !== null) {
    const text = o.text;
    const r = await untilDone(async () => (await client.sendMessage(o.userId, text)).update_id);
    if (!r.done) return r;
  }
  if (o.press) {
    const chosen = await chooseButton(client, chatId, o.press);
    o.print(`👆 pressing ${chosen.line}`);
    return untilDone(() => pressChosen(client, o.userId, chosen));
  }
  return { done: true };
}

/** "scan.chunk ×2, notify.deliver" — what a stopped `courtside chat` still waits on. */
export function describeWaiting(r: Extract<ChatOnceResult, { done: false }>): string {
  if (!r.handled) return 'the bot has not handled the message yet';
  const counts = new Map<string, number>();
  for (const j of r.waitingOn) {
    const label = j.why === 'failed-untold' ? `${j.name} (failed; its notice not sent yet)` : j.name;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
}

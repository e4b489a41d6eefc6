import { createInterface } from 'node:readline';
import { EmulatorClient } from '../../dev/telegram/client.js';
import type { TerminalNotices } from '../../lib/logging/terminal-notices.js';
import { ButtonUnavailableError, chooseButton, pressChosen } from './press-button.js';
import { renderEvent } from './render-event.js';

/** What the interactive chat needs. */
export interface TerminalChatOptions {
  baseUrl: string;
  userId: number;
  photoDir: string;
  onExit: () => void;
  /** Warnings the user must act on (from the logs, which go to a file): shown as chat lines. */
  notices?: TerminalNotices;
}

/**
 * Interactive chat on a TTY for local mode: type commands, see the bot's
 * replies, press inline buttons by the number shown in brackets. Numbers are
 * unique in the chat for as long as the instance runs (a number always means
 * the button it was shown for). Runs until stdin closes.
 */
export async function runTerminalChat(opts: TerminalChatOptions): Promise<void> {
  const client = new EmulatorClient(opts.baseUrl);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you › ' });
  let open = true;
  const print = (line: string) => {
    process.stdout.write(`\r\x1b[K${line}\n`);
    if (open) rl.prompt(true);
  };
  print('💬 Local chat with your Courtside bot (emulated Telegram). Type /help. A number in brackets presses that button. Ctrl-D quits.');
  opts.notices?.attach(print);
  let after = 0;
  void (async () => {
    while (open) {
      try {
        const events = await client.events(opts.userId, after, 25_000);
        for (const ev of events) {
          after = Math.max(after, ev.seq);
          for (const line of await renderEvent(ev, client, opts.photoDir)) print(line);
        }
      } catch (err) {
        if (open) print(`⚠️  ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();
  rl.prompt();
  const press = async (choice: string) => {
    const chosen = await chooseButton(client, opts.userId, choice);
    print(`👆 pressing ${chosen.line}`);
    await pressChosen(client, opts.userId, chosen);
  };
  rl.on('line', (raw) => {
    const line = raw.trim();
    if (!line) return rl.prompt();
    const action = /^\d{1,9}$/.test(line) ? press(line) : client.sendMessage(opts.userId, line);
    action.catch((err: Error) => print(err instanceof ButtonUnavailableError ? `ℹ️  ${err.message}` : `⚠️  ${err.message}`));
  });
  rl.on('close', () => {
    open = false;
    opts.notices?.detach();
    opts.onExit();
  });
}

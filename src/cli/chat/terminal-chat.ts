import { createInterface } from 'node:readline';
import { EmulatorClient } from '../../dev/telegram/client.js';
import { ButtonBook, renderEvent } from './render-event.js';

/**
 * Interactive chat on a TTY for local mode: type commands, see the bot's
 * replies, press inline buttons by number. Runs until stdin closes.
 */
export async function runTerminalChat(opts: { baseUrl: string; userId: number; photoDir: string; onExit: () => void }): Promise<void> {
  const client = new EmulatorClient(opts.baseUrl);
  const buttons = new ButtonBook();
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'you › ' });
  let after = 0;
  let open = true;
  const print = (line: string) => {
    process.stdout.write(`\r\x1b[K${line}\n`);
    if (open) rl.prompt(true);
  };
  print('💬 Local chat with your Courtside bot (emulated Telegram). Type /help. A number presses a button. Ctrl-D quits.');
  void (async () => {
    while (open) {
      try {
        const events = await client.events(opts.userId, after, 25_000);
        for (const ev of events) {
          after = Math.max(after, ev.seq);
          for (const line of await renderEvent(ev, client, opts.photoDir, buttons)) print(line);
        }
      } catch (err) {
        if (open) print(`⚠️  ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  })();
  rl.prompt();
  rl.on('line', (raw) => {
    const line = raw.trim();
    if (!line) return rl.prompt();
    const pressed = /^\d{1,2}$/.test(line) ? buttons.find(line) : null;
    const action = pressed ? client.pressButton(opts.userId, pressed.messageId, pressed.data) : client.sendMessage(opts.userId, line);
    action.catch((err: Error) => print(`⚠️  ${err.message}`));
  });
  rl.on('close', () => {
    open = false;
    opts.onExit();
  });
}

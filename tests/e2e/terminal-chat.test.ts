import { describe, expect, it } from 'vitest';
import { scratchDatabasePerDescribe } from './support/scratch-database.js';
import { localStartEnv, startOnTerminal } from './support/terminal.js';

/** `npm start` on a terminal: a pseudo-TTY (util-linux `script`) drives the interactive chat. */
describe('terminal chat on a TTY', () => {
  const scratch = scratchDatabasePerDescribe();

  it('types commands, shows replies, presses a numbered button, and quits on Ctrl-D', async () => {
    const t = startOnTerminal(await localStartEnv(scratch, 'warn', '/tmp/courtside-tty-test'));
    const { waitFor, type } = t;
    try {
      await waitFor(/Local chat with your Courtside bot/);
      type('/kill from the terminal');
      await waitFor(/KILL SWITCH ON/);
      type('/resume');
      await waitFor(/\[\d+\] ✅ Confirm resume/);
      const n = /\[(\d+)\] ✅ Confirm resume/.exec(t.screen())![1]!;
      type(n);
      await waitFor(/Trading resumed/);
      // The same number again: the button was used; one plain line says so (issue 13, items 4 and 13).
      type(n);
      await waitFor(new RegExp(`\\[${n}\\] ✅ Confirm resume is no longer on its message`));
      expect(t.screen()).not.toMatch(/emulator refused|callback_data/);
      type('/status');
      await waitFor(/Kill switch: off/);
      const code = await t.quit();
      expect(code).toBe(0);
    } finally {
      t.kill();
    }
  }, 60_000);
});

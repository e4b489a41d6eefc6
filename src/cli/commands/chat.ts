import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../app/config/config.js';
import { chatOnce } from '../chat/chat-once.js';
import { UsageError, type CliCommand } from '../command.js';

export const chatCommand: CliCommand = {
  name: 'chat',
  summary: 'Send one message to a running local instance and print the replies',
  usage:
    'courtside chat "<message>" [--press <button number or label>] [--quiet-ms 1500] [--timeout-ms 20000]\n' +
    'courtside chat --press "Confirm"      (press a button on the newest message)\n' +
    '  Talks to the local emulator on LOCAL_BOT_API_PORT (default 8081) as LOCAL_USER_ID.',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { press: { type: 'string' }, 'quiet-ms': { type: 'string' }, 'timeout-ms': { type: 'string' }, user: { type: 'string' } },
    });
    const text = positionals.join(' ').trim();
    if (!text && !values.press) throw new UsageError('give a message to send, e.g. courtside chat "/status"');
    const num = (v: string | undefined, d: number, name: string) => {
      if (v === undefined) return d;
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number of milliseconds`);
      return n;
    };
    const config = loadConfig();
    const userId = values.user ? Number(values.user) : config.local.userId;
    await chatOnce({
      baseUrl: `http://127.0.0.1:${config.local.botApiPort}`,
      userId,
      text: text || null,
      ...(values.press ? { press: values.press } : {}),
      quietMs: num(values['quiet-ms'], 1_500, '--quiet-ms'),
      timeoutMs: num(values['timeout-ms'], 20_000, '--timeout-ms'),
      photoDir: join(config.home, 'photos'),
      print: (l) => io.stdout(l + '\n'),
    });
    return 0;
  },
};

/**
 * A new user's first `npm start` (local mode, no token): the local user's private chat exists in the
 * Bot API emulator from the start, so anything the bot sends before the user's first message (a
 * scheduled scan or digest caught up at start-up) reaches them instead of failing "chat not found".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_BOT_TOKEN } from '../../src/app/config/config.js';
import { freePort } from '../helpers/services.js';
import { cleanRedis, uniquePrefix } from '../helpers/env.js';
import { createTestDatabase } from '../helpers/pg.js';
import { cliCommand } from '../helpers/cli.js';

describe('local mode: the local user’s chat is known at start', () => {
  let server: ChildProcess;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let botPort = 0;
  const prefix = uniquePrefix();
  let output = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    botPort = await freePort();
    const env = {
      ...process.env,
      TELEGRAM_BOT_TOKEN: '',
      DATABASE_URL: db.url,
      REDIS_PREFIX: prefix,
      LOCAL_BOT_API_PORT: String(botPort),
      HTTP_PORT: String(await freePort()),
      LOCAL_USER_ID: '7',
      LOG_LEVEL: 'info',
      SEED_DEFAULT_DATA: 'false',
      COURTSIDE_HOME: '/tmp/courtside-local-chat-test',
    };
    server = spawn(...cliCommand('start', '--role', 'bot'), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (output += d));
    server.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + 30_000;
    while (!output.includes('courtside started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('LOCAL MODE');
  }, 40_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    await cleanRedis(prefix);
    await db?.drop();
  });

  it('getChat and sendMessage to LOCAL_USER_ID succeed before the user wrote anything; another chat is still unknown', async () => {
    const api = (method: string, body: object) =>
      fetch(`http://127.0.0.1:${botPort}/bot${LOCAL_BOT_TOKEN}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        async (r) => (await r.json()) as { ok: boolean; result?: { id: number; type: string }; description?: string },
      );
    const chat = await api('getChat', { chat_id: 7 });
    expect(chat).toMatchObject({ ok: true, result: { id: 7, type: 'private' } });
    expect(await api('sendMessage', { chat_id: 7, text: 'hello' })).toMatchObject({ ok: true });
    expect(await api('getChat', { chat_id: 8 })).toMatchObject({ ok: false, description: expect.stringContaining('chat not found') });
  });
});

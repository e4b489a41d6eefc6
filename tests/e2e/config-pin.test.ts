/**
 * The pinned configuration (issue 20, item 2) end to end: two starts of the
 * app on one database with one setting and one secret changed in between
 * give exactly one audit entry and one admin message naming both; neither
 * value of the secret is anywhere — logs, chat messages, any Postgres table,
 * any Redis key of the test's prefix. And `courtside config show` (the built
 * CLI, text and --json) lists sources and never prints a secret.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEST_TOKEN, textOf, type Harness } from '../helpers/harness.js';
import { startTelegramEmulator, type TelegramEmulator } from '../../src/dev/telegram/index.js';
import { createTestDatabase } from '../helpers/pg.js';
import { cleanRedis, REDIS_URL, uniquePrefix } from '../helpers/env.js';
import { runCli } from '../helpers/cli.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';

const OLD_SECRET = 'oldAdminToken-5f1c9a7e3b2d4c6a';
const NEW_SECRET = 'newAdminToken-8e2b4d6f1a3c5e7b';
const ADMIN = 1;

/** Every row of every table of the database, as text (bytea as hex), in one string. */
async function dumpDatabase(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = await c.query<{ s: string; t: string }>(
      `SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const parts: string[] = [];
    for (const { s, t } of tables.rows) {
      const r = await c.query<{ dump: string | null }>(`SELECT string_agg(x::text, E'\\n') AS dump FROM "${s}"."${t}" x`);
      parts.push(`${s}.${t}: ${r.rows[0]?.dump ?? ''}`);
    }
    return parts.join('\n');
  } finally {
    await c.end();
  }
}

/** Every key under the prefix with its value, whatever its type. */
async function dumpRedis(prefix: string): Promise<string> {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const parts: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const k of keys) {
        const type = await r.type(k);
        const value =
          type === 'string' ? await r.get(k)
          : type === 'hash' ? JSON.stringify(await r.hgetall(k))
          : type === 'list' ? JSON.stringify(await r.lrange(k, 0, -1))
          : type === 'set' ? JSON.stringify(await r.smembers(k))
          : type === 'zset' ? JSON.stringify(await r.zrange(k, 0, -1, 'WITHSCORES'))
          : type === 'stream' ? JSON.stringify(await r.xrange(k, '-', '+'))
          : `(${type})`;
        parts.push(`${k} ${value}`);
      }
    } while (cursor !== '0');
    return parts.join('\n');
  } finally {
    r.disconnect();
  }
}

/** Every message-bearing event the emulator holds (all chats), as JSON. */
async function emulatorText(h: Harness): Promise<string> {
  return JSON.stringify(await h.emulator.events({ afterSeq: 0 }));
}

function configChangedMessages(events: OutboxEvent[]): OutboxEvent[] {
  return events.filter((e) => e.method === 'sendMessage' && textOf(e).includes('Configuration changed'));
}

async function waitFor<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await read();
  while (!done(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    v = await read();
  }
  return v;
}

describe('pinned configuration across restarts', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  // One Telegram across both starts, as in production: the admin's chat with the bot outlives a restart.
  let telegram: TelegramEmulator;
  const prefix = uniquePrefix();
  beforeAll(async () => {
    db = await createTestDatabase();
    telegram = await startTelegramEmulator({ token: TEST_TOKEN, bot: { id: 555000111, username: 'cs_test_bot' } });
  });
  afterAll(async () => {
    await telegram.close();
    await cleanRedis(prefix);
    await db.drop();
  });

  it('one audit entry and one admin message name the changed setting and secret; no secret value anywhere', async () => {
    const texts: string[] = [];
    const first = await startHarness({ mode: 'token', emulator: telegram, dbUrl: db.url, prefix, env: { EXEC_MAX_DRIFT_PCT: '2', HTTP_ADMIN_TOKEN: OLD_SECRET } });
    let pinBefore: string;
    try {
      const [status] = await first.say(ADMIN, '/status');
      pinBefore = /Config pin: ([0-9a-f]{12})/.exec(textOf(status))?.[1] ?? '';
      expect(pinBefore).toMatch(/^[0-9a-f]{12}$/);
      expect(configChangedMessages(await telegram.events({ chatId: ADMIN, afterSeq: 0 }))).toHaveLength(0);
      texts.push(...first.logs);
    } finally {
      await first.stop();
    }

    const second = await startHarness({ mode: 'token', emulator: telegram, dbUrl: db.url, prefix, env: { EXEC_MAX_DRIFT_PCT: '3', HTTP_ADMIN_TOKEN: NEW_SECRET } });
    try {
      const told = await waitFor(
        async () => configChangedMessages(await second.emulator.events({ chatId: ADMIN, afterSeq: 0 })),
        (m) => m.length > 0,
      );
      expect(told).toHaveLength(1);
      const message = textOf(told[0]);
      expect(message).toContain('EXEC_MAX_DRIFT_PCT: 2 → 3');
      expect(message).toContain('HTTP_ADMIN_TOKEN (secret, value not shown) changed');
      expect(message).toContain(`(was ${pinBefore})`);

      const [status] = await second.say(ADMIN, '/status');
      const pinAfter = /Config pin: ([0-9a-f]{12})/.exec(textOf(status))?.[1];
      expect(pinAfter).toMatch(/^[0-9a-f]{12}$/);
      expect(pinAfter).not.toBe(pinBefore);
      expect(message).toContain(`pin ${pinAfter}`);

      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        const audit = await c.query<{ payload: { changed: { name: string; from?: string; to?: string; secret?: boolean }[] } }>(`SELECT payload FROM audit_log WHERE payload->>'action' = 'config.changed'`);
        expect(audit.rows).toHaveLength(1);
        expect(audit.rows[0]!.payload.changed).toEqual([
          { name: 'EXEC_MAX_DRIFT_PCT', from: '2', to: '3', fromSource: 'environment', toSource: 'environment' },
          { name: 'HTTP_ADMIN_TOKEN', secret: true },
        ]);
        // Three roles restarted in this process: each start is recorded, the change announced once.
        const starts = await c.query<{ n: string }>(`SELECT count(*) AS n FROM config_pins`);
        expect(Number(starts.rows[0]!.n)).toBe(6);
        const beats = await c.query<{ config_pin: string }>(`SELECT DISTINCT config_pin FROM heartbeats`);
        expect(beats.rows.map((r) => r.config_pin.slice(0, 12))).toEqual([pinAfter]);
      } finally {
        await c.end();
      }
      // A moment for anything late (a second message would show now).
      await new Promise((r) => setTimeout(r, 500));
      expect(configChangedMessages(await second.emulator.events({ chatId: ADMIN, afterSeq: 0 }))).toHaveLength(1);
      texts.push(await emulatorText(second), ...second.logs, await dumpDatabase(db.url), await dumpRedis(prefix));
    } finally {
      await second.stop();
    }
    texts.push(await dumpDatabase(db.url), await dumpRedis(prefix));
    const everything = texts.join('\n');
    // The search covers what it claims to: logs, messages, the pins table, Redis keys.
    expect(everything).toContain('courtside started');
    expect(everything).toContain('Configuration changed');
    expect(everything).toContain('config_pins');
    expect(everything).toContain(`${prefix}:`);
    for (const secret of [OLD_SECRET, NEW_SECRET]) {
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(Buffer.from(secret).toString('hex'));
      expect(everything).not.toContain(Buffer.from(secret).toString('base64'));
    }
  }, 90_000);
});

describe('courtside config show', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let envFile: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'cs-config-show-'));
    envFile = join(dir, 'settings.env');
    writeFileSync(envFile, `# test settings\nSCAN_TOP_N=7\nCALLBACK_SECRET=${OLD_SECRET}\n`);
  });
  afterAll(async () => {
    await db.drop();
  });

  const env = () => ({
    ...process.env,
    COURTSIDE_ENV_FILE: envFile,
    DATABASE_URL: db.url.replace('postgres://postgres@', 'postgres://postgres:dbPassw0rd-xyz@'),
    HTTP_ADMIN_TOKEN: NEW_SECRET,
    EXEC_MAX_DRIFT_PCT: '3',
  });

  it('prints every setting with its source, secrets as an HMAC only, and says settings apply at restart', async () => {
    const r = await runCli(['config', 'show'], { env: env() });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Configuration pin: [0-9a-f]{12}/);
    expect(r.out).toContain('no hot reload');
    expect(r.out).toMatch(new RegExp(`SCAN_TOP_N +7 +\\[file ${envFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 2\\]`));
    expect(r.out).toMatch(/EXEC_MAX_DRIFT_PCT +3 +\[environment\]/);
    expect(r.out).toMatch(/EXEC_WINDOW_MINUTES +15 +\[default\]/);
    expect(r.out).toMatch(/HTTP_ADMIN_TOKEN +set \(hmac [0-9a-f]{8}…\) +\[environment\]/);
    expect(r.out).toMatch(/CALLBACK_SECRET +set \(hmac [0-9a-f]{8}…\) +\[file /);
    expect(r.out).toMatch(/DATABASE_URL +postgres:\/\/postgres:\*\*\*@.* \(password hmac [0-9a-f]{8}…\)/);
    expect(r.out).toMatch(/TELEGRAM_BOT_TOKEN +unset +\[default\]/);
    for (const secret of [OLD_SECRET, NEW_SECRET, 'dbPassw0rd-xyz']) expect(r.out).not.toContain(secret);
  });

  it('--json: the same with sources as data and no secret value', async () => {
    const r = await runCli(['config', 'show', '--json'], { env: env() });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { pin: string; hotReload: boolean; settings: { name: string; value: string | null; secret: boolean; set: boolean; hmac: string | null; source: { kind: string; path?: string; line?: number } }[] };
    expect(out.pin).toMatch(/^[0-9a-f]{64}$/);
    expect(out.hotReload).toBe(false);
    const by = new Map(out.settings.map((s) => [s.name, s]));
    expect(by.get('SCAN_TOP_N')).toMatchObject({ value: '7', secret: false, source: { kind: 'file', path: envFile, line: 2 } });
    expect(by.get('EXEC_MAX_DRIFT_PCT')).toMatchObject({ value: '3', source: { kind: 'environment' } });
    expect(by.get('EXEC_WINDOW_MINUTES')).toMatchObject({ value: '15', source: { kind: 'default' } });
    expect(by.get('HTTP_ADMIN_TOKEN')).toMatchObject({ value: null, secret: true, set: true, source: { kind: 'environment' } });
    expect(by.get('HTTP_ADMIN_TOKEN')!.hmac).toMatch(/^[0-9a-f]{8}$/);
    expect(by.get('CALLBACK_SECRET')).toMatchObject({ value: null, secret: true, source: { kind: 'file', path: envFile, line: 3 } });
    for (const secret of [OLD_SECRET, NEW_SECRET, 'dbPassw0rd-xyz']) expect(r.out).not.toContain(secret);
  });
});

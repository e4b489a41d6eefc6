import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticSeries } from '../../src/adapters/market-data/synthetic/generate-bars.js';
import { weekdaySessions } from '../../src/adapters/market-data/synthetic/sessions.js';
import { REDIS_URL } from '../helpers/env.js';
import { startHarness, textOf, TEST_TOKEN, type Harness } from '../helpers/harness.js';
import { cliCommand } from '../helpers/cli.js';

/** A second worker process takes part in the same /scan: chunks are shared through the BullMQ flow. */
describe('/scan shared by two worker processes', () => {
  let h: Harness;
  let other: ChildProcess;
  let otherLog = '';
  beforeAll(async () => {
    h = await startHarness({ mode: 'token', env: { SCAN_CHUNK_SIZE: '10', SCAN_TOP_N: '1' } });
    const sessions = weekdaySessions('2026-11-20', 400);
    await h.running.app.bars.writeBars(
      Array.from({ length: 300 }, (_, i) => ({ symbol: `W${i}`, series: generateSyntheticSeries({ symbol: `W${i}`, sessions, dollarAdv: 5e7 }) })),
      { source: 'synthetic', demo: true },
    );
    other = spawn(...cliCommand('start', '--role', 'worker'), {
      env: {
        ...process.env,
        DATABASE_URL: h.dbUrl,
        REDIS_PREFIX: h.prefix,
        TELEGRAM_BOT_TOKEN: TEST_TOKEN,
        TELEGRAM_API_ROOT: h.emulator.url,
        TELEGRAM_ALLOWED_USER_IDS: '1:admin',
        HTTP_PORT: '0',
        LOG_LEVEL: 'info',
        SEED_DEFAULT_DATA: 'false',
        SCAN_CHUNK_SIZE: '10',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    other.stdout!.on('data', (d) => (otherLog += d));
    other.stderr!.on('data', (d) => (otherLog += d));
    const deadline = Date.now() + 30_000;
    while (!otherLog.includes('courtside started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(otherLog).toContain('courtside started');
  }, 60_000);
  afterAll(async () => {
    if (other && other.exitCode === null) {
      other.kill('SIGTERM');
      await new Promise((r) => other.once('exit', r));
    }
    await h?.stop();
  });

  it('both processes evaluate chunks of one scan, and the result is posted once', async () => {
    const after = h.emulator.lastSeq;
    h.emulator.sendUserMessage({ userId: 1, text: '/scan' });
    const done = await h.emulator.waitFor((e) => e.chat_id === 1 && /Scan done/.test(textOf(e)), 30_000, { afterSeq: after });
    expect(textOf(done)).toMatch(/300 symbols/);
    const r = new Redis(REDIS_URL);
    const q = new Queue('scans', { connection: r, prefix: h.prefix });
    try {
      const chunks = (await q.getJobs(['completed'])).filter((j) => j.name === 'scan.chunk');
      expect(chunks).toHaveLength(30);
      const workers = new Set(chunks.map((j) => j.processedBy));
      expect(workers.size).toBe(2);
      const finishes = (await q.getJobs(['completed'])).filter((j) => j.name === 'scan.finish');
      expect(finishes).toHaveLength(1);
    } finally {
      await q.close();
      r.disconnect();
    }
    const summaries = (await h.emulator.events({ chatId: 1, afterSeq: after })).filter((e) => /Scan done/.test(textOf(e)));
    expect(summaries).toHaveLength(1);
  }, 45_000);
});

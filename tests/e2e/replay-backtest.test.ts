import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBacktestCommand } from '../../src/cli/commands/backtest.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';
import { runInProcess } from '../integration/trading/backtest/run-in-process.js';

/**
 * A /backtest started from chat (real bot, queues and workers against the
 * Bot API emulator) shows its run manifest's short hash, the manifest is
 * stored with the run, and `courtside backtest --replay <short hash>` against
 * the same database finds it "identical".
 */
describe('/backtest manifest end to end', () => {
  let h: Harness;
  let db: pg.Client;

  beforeAll(async () => {
    h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin' } });
    db = new pg.Client({ connectionString: h.dbUrl });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await h?.stop();
  });

  async function until(chatId: number, afterSeq: number, done: (events: OutboxEvent[]) => boolean, timeoutMs = 45_000): Promise<OutboxEvent[]> {
    const out: OutboxEvent[] = [];
    let seq = afterSeq;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const evs = await h.emulator.events({ chatId, afterSeq: seq, waitMs: Math.max(1, Math.min(1_000, deadline - Date.now())) });
      for (const e of evs) {
        seq = Math.max(seq, e.seq);
        out.push(e);
      }
      if (done(out)) return out;
    }
    throw new Error(`timed out; saw: ${out.map((e) => `${e.method}: ${textOf(e).slice(0, 80)}`).join(' | ')}`);
  }

  it('the report names the manifest; the CLI replays it as identical', async () => {
    const after = h.emulator.lastSeq;
    await h.say(1, '/backtest donchian SPY GL RVLV');
    const evs = await until(1, after, (e) => e.some((x) => x.method === 'sendMessage' && /Total return/.test(textOf(x))));
    const summary = textOf(evs.find((e) => e.method === 'sendMessage' && /Total return/.test(textOf(e))));
    const m = /^Run ([0-9a-f]{8}) · manifest ([0-9a-f]{12})$/m.exec(summary);
    expect(m, summary).not.toBeNull();
    const [, runPrefix, short] = m!;

    const rows = await db.query(`SELECT r.id::text AS run, m.id AS manifest, m.kind, jsonb_array_length(m.symbols) AS series FROM backtest_runs r JOIN run_manifests m ON m.id = r.manifest_id`);
    expect(rows.rows).toEqual([{ run: expect.stringMatching(new RegExp(`^${runPrefix}`)), manifest: expect.stringMatching(new RegExp(`^${short}[0-9a-f]{52}$`)), kind: 'backtest', series: 3 }]);

    const replay = await runInProcess(createBacktestCommand({ databaseUrl: () => h.dbUrl, progress: false }), ['--replay', short!]);
    expect(replay.code, replay.out + replay.err).toBe(0);
    expect(replay.out).toMatch(new RegExp(`^Replay of run manifest ${short} \\(backtest\\)\\ndata: unchanged · 3 series · hash [0-9a-f]{12}\\ncode: unchanged · \\S+\\nidentical: all \\d+ key figures match\\n$`));
  });
});

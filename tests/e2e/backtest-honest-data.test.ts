import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDefaultData } from '../../src/adapters/bars/seed.js';
import { BarsStore } from '../../src/adapters/bars/store.js';
import { createDataSource } from '../../src/adapters/db/data-source.js';
import { loadDefaultUniverse } from '../../src/adapters/market-data/universe/default-universe.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { lastCompletedSession } from '../../src/trading/market-clock.js';
import { startHarness, textOf, type Harness } from '../helpers/harness.js';

/**
 * Issue 13 item 7, through the real bot against the Bot API emulator: a
 * backtest says which dates it covers and whether any bar is synthetic on its
 * first line; the SPY benchmark is always the real sample, and its figures
 * cover only its real dates (which it names); an unknown symbol is an error
 * naming the closest known ones instead of a backtest on invented bars.
 *
 * The store holds the real samples (SPY ends 2025-12-30) and three DEMO
 * symbols whose synthetic history runs to the last completed session.
 */
const DEMO = ['TOL', 'MSFT', 'NVDA'];

/** Real SPY closes from the bundled sample, by date. */
const SPY = new Map(
  readFileSync('data/ohlcv/SPY.csv', 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map((f) => [f[0]!, Number(f[4])] as const),
);
const SPY_LAST = [...SPY.keys()].at(-1)!;

/** "+151.2%" / "−3.4%" / "-3.4%" → fraction. */
const pctOf = (s: string) => Number(s.replace('−', '-').replace('%', '')) / 100;

describe('/backtest tells the truth about its data', () => {
  let h: Harness;
  let ds: DataSource;
  const demoEnd = lastCompletedSession(Date.now());

  beforeAll(async () => {
    h = await startHarness({ mode: 'token', env: { TELEGRAM_ALLOWED_USER_IDS: '1:admin' } });
    ds = createDataSource(h.dbUrl, { poolSize: 3 });
    await ds.initialize();
    await seedDefaultData(new BarsStore(ds), { endDate: demoEnd, universe: loadDefaultUniverse().entries.filter((e) => DEMO.includes(e.symbol)) });
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await h?.stop();
  });

  /** Sends a /backtest and waits until its ack says how it ended; returns that text and the summary (if any). */
  async function backtest(text: string): Promise<{ ack: string; summary: string }> {
    const after = h.emulator.lastSeq;
    h.emulator.sendUserMessage({ userId: 1, text, firstName: 'User1' });
    const seen: OutboxEvent[] = [];
    let seq = after;
    const deadline = Date.now() + 25_000;
    while (Date.now() < deadline) {
      for (const e of await h.emulator.events({ chatId: 1, afterSeq: seq, waitMs: 1_000 })) {
        seq = Math.max(seq, e.seq);
        seen.push(e);
      }
      // The ack is this command's own "⏳ Backtesting" message (a previous run's charts may still be arriving).
      const ackId = seen.find((e) => e.method === 'sendMessage' && /^⏳ Backtesting/.test(textOf(e)))?.message?.message_id;
      const final = seen.filter((e) => e.method === 'editMessageText' && e.message_id === ackId && /^(✅|❌|✖)/.test(textOf(e))).at(-1);
      const summary = seen.find((e) => e.method === 'sendMessage' && /Total return/.test(textOf(e)));
      if (final && (summary || !/^✅/.test(textOf(final)))) return { ack: textOf(final), summary: textOf(summary) };
    }
    throw new Error(`no end for ${text}; saw ${seen.map((e) => `${e.method}: ${textOf(e).slice(0, 60)}`).join(' | ')}`);
  }

  /** The benchmark line's dates and return, checked against the real SPY closes it claims to cover. */
  function checkBenchmark(summary: string): { start: string; end: string } {
    const m = /vs SPY buy & hold (\d{4}-\d{2}-\d{2}) → (\d{4}-\d{2}-\d{2}) \(real bars\): ([+−-]?[\d.]+%)/.exec(summary);
    expect(m, summary).not.toBeNull();
    const [, start, end, ret] = m!;
    expect(end! <= SPY_LAST).toBe(true);
    expect(SPY.has(start!) && SPY.has(end!)).toBe(true);
    expect(pctOf(ret!)).toBeCloseTo(SPY.get(end!)! / SPY.get(start!)! - 1, 3);
    return { start: start!, end: end! };
  }

  it('(a) the universe run names its dates and DEMO on the first line; the benchmark covers only real SPY dates, labelled', async () => {
    const { ack, summary } = await backtest('/backtest all universe');
    expect(ack).toMatch(/^✅/);
    const first = summary.split('\n')[0]!;
    const range = /(\d{4}-\d{2}-\d{2}) → (\d{4}-\d{2}-\d{2})/.exec(first);
    expect(range, first).not.toBeNull();
    expect(range![2]).toBe(demoEnd);
    expect(first).toMatch(/DEMO/);
    const bench = checkBenchmark(summary);
    expect(bench.end).toBe(SPY_LAST);
  });

  it('(b) one symbol without real bars makes only that symbol DEMO: SPY stays real and so does the benchmark', async () => {
    const { ack, summary } = await backtest('/backtest donchian SPY AAPL');
    expect(ack).toMatch(/^✅/);
    expect(summary.split('\n')[0]).toMatch(/DEMO/);
    expect(summary).toMatch(/1 of 2 symbols hold synthetic DEMO bars/);
    expect(summary).not.toMatch(/every symbol/);
    checkBenchmark(summary);
  });

  it('a run on real bars only has no DEMO on its first line', async () => {
    const { summary } = await backtest('/backtest donchian SPY GL RVLV');
    const first = summary.split('\n')[0]!;
    expect(first).toMatch(/\d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}/);
    expect(summary).not.toMatch(/DEMO/);
    checkBenchmark(summary);
  });

  it('(c) a typo is an error naming the closest known symbols, not a backtest on invented bars', async () => {
    const { ack, summary } = await backtest('/backtest donchian APPL');
    expect(ack).toMatch(/^❌/);
    expect(ack).toMatch(/unknown symbol APPL/);
    expect(ack).toMatch(/AAPL/);
    expect(summary).toBe('');
    const runs = await ds.query(`SELECT status FROM backtest_runs WHERE request->'universe'->'symbols' ? 'APPL'`);
    expect(runs.map((r: { status: string }) => r.status)).not.toContain('done');
  });
});

/**
 * Data gaps against the calendar (issue 21, part 5), through the real bot, workers, Postgres and
 * Redis against the Bot API emulator, on Friday 2026-12-04 11:00 ET (last completed session
 * 2026-12-03):
 * - a bar file (GAPX.csv, imported with `courtside data import`) misses three NYSE sessions inside
 *   the strategies' 200-session look-back; OLDGAP misses one session older than that; STALE ends on
 *   2026-12-01;
 * - `courtside data check` (text and --json) lists exactly those: missing_session for GAPX (3, with
 *   the dates) and OLDGAP (1), stale for STALE (2 sessions behind); `--market kr` checks KRX (no KR symbols there);
 * - /scan leaves GAPX out, and the decision journal says why (/journal GAPX, its Why, and
 *   `courtside journal --symbol GAPX --json`); OLDGAP is scanned (no skip row);
 * - /status shows the findings count, which adds up.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSyntheticSeries } from '../../src/adapters/market-data/synthetic/generate-bars.js';
import { exchangeSessions } from '../../src/adapters/market-data/synthetic/exchange-sessions.js';
import { dataCommand } from '../../src/cli/commands/data.js';
import { journalCommand } from '../../src/cli/commands/journal.js';
import type { CliCommand } from '../../src/cli/command.js';
import type { BarSeries } from '../../src/engine/bars.js';
import type { OutboxEvent } from '../../src/dev/telegram/outbox.js';
import { buttonsOfEvent, textOf, until, waitMessage } from '../helpers/execution.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { realTime, setMarketTime } from '../helpers/market-time.js';
import { setProcessEnv } from '../helpers/process-env.js';

const AS_OF = '2026-12-03';
const FRIDAY_1100 = '2026-12-04T11:00:00-05:00';
const USER = 1;
const SESSIONS = exchangeSessions(AS_OF, 260);
/** Three sessions inside the last 200 (the strategies' look-back: SMA 200). */
const GAPX_HOLES = [SESSIONS[SESSIONS.length - 150]!, SESSIONS[SESSIONS.length - 40]!, SESSIONS[SESSIONS.length - 3]!];
/** One session older than every look-back. */
const OLD_HOLE = SESSIONS[10]!;
const FULL = Array.from({ length: 12 }, (_, i) => `FUL${String(i).padStart(2, '0')}`);

let h: Harness;
let dir: string;

function without(s: BarSeries, holes: readonly string[]): { symbol: string; series: BarSeries } {
  const gone = new Set(holes);
  const keep = s.dates.map((d, i) => (gone.has(d) ? -1 : i)).filter((i) => i >= 0);
  const pick = (a: Float64Array) => Float64Array.from(keep.map((i) => a[i]!));
  return { symbol: s.symbol, series: { symbol: s.symbol, dates: keep.map((i) => s.dates[i]!), open: pick(s.open), high: pick(s.high), low: pick(s.low), close: pick(s.close), volume: pick(s.volume) } };
}

const gen = (symbol: string, sessions = SESSIONS) => generateSyntheticSeries({ symbol, sessions, dollarAdv: 5e7 });

/** A CLI command run in this process against the harness's database. */
async function cli(cmd: CliCommand, args: string[]): Promise<{ code: number; out: string }> {
  const restore = setProcessEnv({ DATABASE_URL: h.dbUrl, COURTSIDE_HOME: '/tmp/courtside-test-home' });
  let out = '';
  try {
    const code = await cmd.run(args, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
    return { code, out };
  } finally {
    restore();
  }
}

async function ask(text: string, re: RegExp, timeoutMs = 15_000): Promise<OutboxEvent> {
  const after = h.emulator.lastSeq;
  h.emulator.sendUserMessage({ userId: USER, text, firstName: 'Ada' });
  return waitMessage(h.emulator, USER, after, re, timeoutMs);
}

beforeAll(async () => {
  setMarketTime(FRIDAY_1100);
  h = await startHarness({ mode: 'local', roles: ['bot', 'worker'], env: { MARKET_HOURS: 'exchange', SCAN_CHUNK_SIZE: '10' } });
  await h.running.app.bars.writeBars(
    [...FULL.map((s) => ({ symbol: s, series: gen(s) })), without(gen('OLDGAP'), [OLD_HOLE]), { symbol: 'STALE', series: gen('STALE', exchangeSessions('2026-12-01', 260)) }],
    { source: 'synthetic', demo: true },
  );
  // The bar file with the gaps, imported the way a user does.
  dir = await mkdtemp(join(tmpdir(), 'data-gaps-'));
  const g = without(gen('GAPX'), GAPX_HOLES).series;
  const csv = ['date,open,high,low,close,volume', ...g.dates.map((d, i) => `${d},${g.open[i]},${g.high[i]},${g.low[i]},${g.close[i]},${Math.round(g.volume[i]!)}`)].join('\n');
  await writeFile(join(dir, 'GAPX.csv'), `${csv}\n`);
  const imported = await cli(dataCommand, ['import', join(dir, 'GAPX.csv')]);
  expect(imported.out).toMatch(/GAPX\.csv → GAPX: 257 of 257 lines stored/);
  h.emulator.sendUserMessage({ userId: USER, text: '/start', firstName: 'Ada' });
}, 90_000);

afterAll(async () => {
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  realTime();
});

describe('data gaps against the calendar', () => {
  it('`courtside data check --json` lists the planted missing sessions and the stale symbol, exactly', async () => {
    const r = await cli(dataCommand, ['check', '--json']);
    expect(r.code, r.out).toBe(1);
    const report = JSON.parse(r.out) as { lastCompleted: string; symbols: number; symbolsFlagged: number; counts: { missing_session: number; stale: number }; missingSessions: number; findings: Record<string, unknown>[] };
    expect(report.lastCompleted).toBe(AS_OF);
    expect(report.symbols).toBe(FULL.length + 3);
    expect(report.findings).toEqual([
      { symbol: 'GAPX', kind: 'missing_session', count: 3, first: GAPX_HOLES[0], last: GAPX_HOLES[2], dates: GAPX_HOLES },
      { symbol: 'OLDGAP', kind: 'missing_session', count: 1, first: OLD_HOLE, last: OLD_HOLE, dates: [OLD_HOLE] },
      { symbol: 'STALE', kind: 'stale', lastBar: '2026-12-01', expected: AS_OF, behind: 2 },
    ]);
    expect(report.counts).toEqual({ missing_session: 2, stale: 1 });
    expect(report.symbolsFlagged).toBe(3);
    expect(report.missingSessions).toBe(4);
  }, 60_000);

  it('`courtside data check` in words: counts that add up, one line per finding; KR is checked against KRX', async () => {
    const r = await cli(dataCommand, ['check']);
    expect(r.code).toBe(1);
    const head = /(\d+) findings in (\d+) symbols — missing_session (\d+) \((\d+) sessions without a bar\), stale (\d+)/.exec(r.out);
    expect(head, r.out).toBeTruthy();
    expect(Number(head![1])).toBe(Number(head![3]) + Number(head![5]));
    expect(r.out).toMatch(new RegExp(`GAPX\\s+missing_session\\s+3 sessions without a bar, ${GAPX_HOLES[0]} … ${GAPX_HOLES[2]}`));
    expect(r.out).toMatch(/STALE\s+stale\s+last bar 2026-12-01, 2 sessions behind 2026-12-03/);
    // The Korean market issue: KR is checked against the KRX calendar (this database holds no KR symbols).
    const kr = await cli(dataCommand, ['check', '--market', 'kr']);
    expect(kr.code).toBe(0);
    expect(kr.out).toMatch(/^Data check \(KR\) of 0 symbols against the KRX calendar, .*no findings/);
  }, 60_000);

  it('/scan leaves GAPX out and the journal says why, in the chat and in the CLI; OLDGAP is scanned', async () => {
    const start = h.emulator.lastSeq;
    h.emulator.sendUserMessage({ userId: USER, text: '/scan', firstName: 'Ada' });
    // The ack message is edited into the summary.
    const done = await h.emulator.waitFor((e) => e.method === 'editMessageText' && /Scan done/.test(textOf(e)), 45_000, { afterSeq: start });
    expect(textOf(done)).toMatch(new RegExp(`Scan done — ${FULL.length + 1} symbols as of ${AS_OF}[\\s\\S]*; 1 symbols skipped`));
    // The journal is written after the cards: wait for its row.
    await until('the skip row', async () => ((await h.running.app.ds.query(`SELECT 1 FROM decisions WHERE kind = 'skip'`)) as unknown[]).length > 0 || undefined, 15_000, 100);
    const answer = await ask('/journal GAPX', /Journal/);
    const t = textOf(answer);
    const line = new RegExp(`GAPX · not scanned by any strategy on ${AS_OF}: 3 session\\(s\\) without a bar in its 200-session look-back \\(${GAPX_HOLES[0]} … ${GAPX_HOLES[2]}\\)`);
    expect(t).toMatch(line);
    const why = buttonsOfEvent(answer).find((b) => /Why/.test(b.text));
    expect(why, t).toBeDefined();
    const after = h.emulator.lastSeq;
    h.emulator.pressButton({ userId: USER, messageId: answer.message_id!, data: why!.callback_data, firstName: 'Ada' });
    const detail = textOf(await waitMessage(h.emulator, USER, after, /Why/, 15_000));
    expect(detail).toContain(`of the last 200 exchange sessions its signal reads, 3 have no bar (first ${GAPX_HOLES[0]}, last ${GAPX_HOLES[2]})`);
    expect(detail).toMatch(/Linked to audit #\d+/);

    const j = await cli(journalCommand, ['--symbol', 'GAPX', '--json']);
    expect(j.code, j.out).toBe(0);
    const entries = (JSON.parse(j.out) as { entries: { action: string; source: string; session: string; inputs: Record<string, unknown>; auditSeq: number | null }[] }).entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'skip.missing_session', source: 'all', session: AS_OF, inputs: { lookback: 200, missing: 3, firstMissing: GAPX_HOLES[0], lastMissing: GAPX_HOLES[2] } });
    expect(entries[0]!.auditSeq).toBeGreaterThan(0);

    const skips = (await h.running.app.ds.query(`SELECT symbol FROM decisions WHERE kind = 'skip'`)) as { symbol: string }[];
    expect(skips.map((s) => s.symbol)).toEqual(['GAPX']);
    const run = (await h.running.app.ds.query(`SELECT evaluated FROM scan_runs ORDER BY created_at DESC LIMIT 1`)) as { evaluated: number }[];
    // Every current symbol but GAPX was evaluated (STALE is not current at the scan's session).
    expect(run[0]!.evaluated).toBe(FULL.length + 1);
  }, 90_000);

  it('/status shows the last check’s findings, which add up, and when it ran', async () => {
    const t = textOf(await ask('/status', /Kill switch/));
    const m = /Data: (\d+) findings \((\d+) symbols\): missing_session (\d+), stale (\d+) \(checked (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) ET of (\d+) symbols, last session (\S+)\)/.exec(t);
    expect(m, t).toBeTruthy();
    expect(Number(m![1])).toBe(Number(m![3]) + Number(m![4]));
    expect([Number(m![1]), Number(m![2]), Number(m![3]), Number(m![4])]).toEqual([3, 3, 2, 1]);
    expect(m![5]!.startsWith('2026-12-04')).toBe(true);
    expect(Number(m![6])).toBe(FULL.length + 3);
    expect(m![7]).toBe(AS_OF);
  }, 30_000);
});

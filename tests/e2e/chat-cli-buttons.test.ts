/**
 * `courtside chat` against a running local instance (issue 13, items 4, 12 and 13), through the
 * real CLI process, the real bot, workers and the Bot API emulator:
 *
 * - item 12: `courtside chat "/scan"` returns only when every job the command started has
 *   finished and its messages are delivered (here the cards' uploads are slowed past any
 *   "quiet period"); `--timeout` stops waiting, prints what arrived and exits 3;
 * - item 4: button numbers are unique in the chat and each names its card ("[7] ✅ Approve TOL");
 *   a number keeps pressing the button it was shown for, also from another `courtside chat`;
 * - item 13: pressing a button that is used or gone prints one plain line, no emulator internals.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliCommand } from '../helpers/cli.js';
import { REDIS_URL } from '../helpers/env.js';
import { approvalSettled, until } from '../helpers/execution.js';
import type { Harness } from '../helpers/harness.js';
import { startOpenMarketScan, stopOpenMarketScan } from './support/open-market-scan.js';

const SYMBOLS = Array.from({ length: 120 }, (_, i) => `CLB${String(i).padStart(3, '0')}`);
const USER = 1;
const CARDS = 3;

let h: Harness;

function chat(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TELEGRAM_BOT_TOKEN: '',
    DATABASE_URL: h.dbUrl,
    REDIS_URL,
    REDIS_PREFIX: h.prefix,
    LOCAL_BOT_API_PORT: String(h.emulator.port),
    LOCAL_USER_ID: String(USER),
    COURTSIDE_HOME: '/tmp/courtside-chat-cli-test',
    LOG_LEVEL: 'silent',
  };
  return new Promise((resolve) => {
    const child = spawn(...cliCommand('chat', ...args), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** `[n] ✅ Approve SYM` lines of a transcript: number, label and the card they name. */
function approveButtons(out: string): { n: number; symbol: string }[] {
  return [...out.matchAll(/\[(\d+)\] ✅ Approve (CLB\d{3})/g)].map((m) => ({ n: Number(m[1]), symbol: m[2]! }));
}

beforeAll(async () => {
  h = await startOpenMarketScan({ symbols: SYMBOLS, chunkSize: 40, topN: CARDS, userId: USER });
}, 60_000);

afterAll(() => stopOpenMarketScan(h));

describe('courtside chat', () => {
  let first: { n: number; symbol: string };

  it('"/scan" returns once every card is delivered, each Approve numbered uniquely and naming its card', async () => {
    // Each card's upload takes 2.5 s: far longer than any quiet period between two messages.
    h.emulator.delayNext('sendPhoto', 2_500, CARDS);
    const r = await chat(['/scan']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Scan done/);
    expect(r.out.match(/🖼 /g) ?? []).toHaveLength(CARDS);
    const approves = approveButtons(r.out);
    expect(approves).toHaveLength(CARDS);
    expect(new Set(approves.map((a) => a.n)).size).toBe(CARDS);
    expect(new Set(approves.map((a) => a.symbol)).size).toBe(CARDS);
    // Each line names the card it sits under: the card's caption (printed above it) is that symbol's.
    for (const a of approves) {
      const at = r.out.indexOf(`[${a.n}] ✅ Approve ${a.symbol}`);
      const captionAbove = r.out.lastIndexOf('📈', at);
      expect(r.out.slice(captionAbove, at)).toContain(a.symbol);
    }
    first = approves[0]!;
  }, 60_000);

  it('a number shown once keeps pressing that button (the first card, not the newest), from another `courtside chat`', async () => {
    const r = await chat(['--press', String(first.n)]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`[${first.n}] ✅ Approve ${first.symbol}`);
    const rows = (await h.running.app.ds.query(`SELECT p.id FROM picks p JOIN approvals a ON a.pick_id = p.id WHERE p.symbol = $1`, [first.symbol])) as { id: string }[];
    expect(rows).toHaveLength(1);
    await approvalSettled(h.running.app.ds, rows[0]!.id, 30_000);
    const others = (await h.running.app.ds.query(`SELECT count(*)::int AS n FROM approvals a JOIN picks p ON p.id = a.pick_id WHERE p.symbol <> $1`, [first.symbol])) as { n: number }[];
    expect(others[0]!.n).toBe(0);
  }, 60_000);

  it('pressing a used button prints one plain line, no emulator internals', async () => {
    const r = await chat(['--press', String(first.n)]);
    const all = r.out + r.err;
    expect(r.code).toBe(1);
    expect(all).toMatch(new RegExp(`\\[${first.n}\\] ✅ Approve ${first.symbol} is no longer on its message`));
    expect(all).not.toMatch(/emulator|callback_data|available:/);
    const unknown = await chat(['--press', '999']);
    expect(unknown.code).toBe(1);
    expect(unknown.out + unknown.err).toMatch(/No button \[999\] in this chat/);
  }, 30_000);

  it('--timeout stops waiting, prints what arrived and exits 3', async () => {
    // The reply to /status is held up 6 s by a slow Telegram: the command is not done at 1 s.
    h.emulator.delayNext('sendMessage', 6_000, 1);
    const r = await chat(['/status', '--timeout', '1']);
    expect(r.code).toBe(3);
    // What arrived is printed (the emulator shows the reply while its send is still held up) and what is left is named.
    expect(r.out).toMatch(/Kill switch: off/);
    expect(r.err).toMatch(/Stopped waiting after 1 s; still running: notify\.deliver/);
    // Let the held send finish before teardown.
    await until('the held reply to be delivered', async () => ((await h.running.app.jobs.queues.notify.getActiveCount()) === 0 ? true : undefined), 15_000, 100);
  }, 30_000);
});

/**
 * Drift alerts (issue 21, part 3) through the real queues: the real bot and worker roles in local
 * mode against the Bot API emulator, Postgres and Redis. Backtest runs and live round trips are
 * planted in Postgres (as the backtest store and the order path leave them); the daily
 * `execution.mark` job runs the drift checks after its mark.
 *
 * What must hold: an in-distribution live record raises nothing; a losing streak outside the
 * backtest's band sends admins (only admins) one message whose figures recompute; a re-run of the
 * job sends nothing new; entry fills slipping past EXEC_SLIPPAGE_ALERT_BPS send the execution
 * drift message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nyToday } from '../../../src/lib/dates.js';
import { command, messagesMatching, textOf, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { jobResult } from '../../helpers/market-time.js';
import { drawFrom, plantBacktest, plantLiveTrades, referenceR } from '../../integration/risk/drift-fixtures.js';

const ADMIN = 1;
const TRADER = 3;
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ mode: 'local', roles: ['bot', 'worker'], env: { TELEGRAM_ALLOWED_USER_IDS: `${ADMIN}:admin,${TRADER}:trader` } });
  await command(h, ADMIN, '/help', /./);
  await command(h, TRADER, '/help', /./);
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

let run = 0;
/** Enqueues the daily mark for today's New York session and waits for its result. */
async function mark(): Promise<{ drift: { breaches: string[]; opened: string[]; sent: number } }> {
  const date = nyToday();
  const jobId = `e2e-drift-mark-${date}-${++run}`;
  await h.running.app.jobs.add('execution.mark', { date }, { jobId });
  return (await jobResult(h.running.app, 'executions', jobId, 60_000)) as { drift: { breaches: string[]; opened: string[]; sent: number } };
}

/** The number after `label` in `text`. */
function num(text: string, re: RegExp): number {
  const m = text.match(re);
  if (!m) throw new Error(`no ${re} in:\n${text}`);
  return Number(m[1]!.replace('−', '-'));
}

describe('drift alerts after the daily mark', () => {
  it('stays quiet for an in-distribution record, alerts admins once for a losing streak outside the band', async () => {
    const ds = h.running.app.ds;
    const soupRef = referenceR(300, 2);
    await plantBacktest(ds, 'turtle_soup', soupRef);
    await plantBacktest(ds, 'donchian', referenceR(300, 1));
    await plantLiveTrades(ds, 'turtle_soup', drawFrom(soupRef, 40, 9), new Date(Date.now() - 3 * 86_400_000));
    const start = h.emulator.lastSeq;

    const quiet = await mark();
    expect(quiet.drift).toMatchObject({ breaches: [], opened: [], sent: 0 });

    await plantLiveTrades(ds, 'donchian', Array(15).fill(-1), new Date(Date.now() - 2 * 86_400_000));
    const loud = await mark();
    expect(loud.drift).toMatchObject({ breaches: ['test:donchian'], opened: ['test:donchian'], sent: 1 });
    const msg = textOf(await waitMessage(h.emulator, ADMIN, start, /DRIFT · Strategy donchian/, 20_000));

    // The figures recompute from what the message shows.
    expect(msg).toContain('live trades left the band of its backtest (run ');
    expect(msg).toContain(`As of the session ${nyToday()} (New York).`);
    expect(num(msg, /Live: (\d+) closed trades/)).toBe(15);
    const live = num(msg, /Live: \d+ closed trades, mean R ([+\-−]?\d+\.\d+)/);
    expect(live).toBe(-1);
    expect(num(msg, /Reference: (\d+) trades/)).toBe(300);
    const ref = num(msg, /Reference: \d+ trades, mean R ([+\-−]?\d+\.\d+)/);
    const sd = num(msg, /sd (\d+\.\d+)\./);
    const shortfall = num(msg, /= (\d+\.\d+) R =/);
    expect(shortfall).toBeCloseTo(ref - live, 10);
    expect(num(msg, /R = (\d+\.\d+) sd/)).toBeCloseTo(Math.round((shortfall / sd) * 100) / 100, 10);
    const stat = num(msg, /S (\d+\.\d+) ≥/);
    const h_ = num(msg, /≥ threshold (\d+\.\d+)/);
    expect(stat).toBeGreaterThanOrEqual(h_);
    expect(num(msg, /first reached at live trade (\d+)/)).toBeLessThanOrEqual(15);
    expect(msg).toContain('The threshold keeps false alarms ≤ 5 % over 100 in-distribution trades.');
    expect(msg).toContain('What to do:');

    // Admins only; the in-distribution strategy never alerted.
    expect(await messagesMatching(h.emulator, TRADER, start, /DRIFT/)).toEqual([]);
    expect(await messagesMatching(h.emulator, ADMIN, start, /turtle_soup/)).toEqual([]);

    // The next run (the next day's mark, or a retried job) sends nothing new.
    const again = await mark();
    expect(again.drift).toMatchObject({ breaches: ['test:donchian'], opened: [], sent: 0 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await messagesMatching(h.emulator, ADMIN, start, /DRIFT/)).toHaveLength(1);
  }, 180_000);

  it('alerts admins when the rolling median of entry fills widens past EXEC_SLIPPAGE_ALERT_BPS', async () => {
    const ds = h.running.app.ds;
    const start = h.emulator.lastSeq;
    // The last 20 entries paid 40 bps over their cards' 100.00 (winners, so the R tests stay quiet).
    await plantLiveTrades(ds, 'turtle_soup', Array(20).fill(1.2), new Date(Date.now() - 1 * 86_400_000), 40);
    const res = await mark();
    expect(res.drift.opened).toEqual(['execution:US']);
    const msg = textOf(await waitMessage(h.emulator, ADMIN, start, /DRIFT · Execution \(US\)/, 20_000));
    const fills = num(msg, /Median of the last (\d+) fills/);
    expect(fills).toBe(20);
    const median = num(msg, /fills: ([+\-−]?\d+\.\d) bps/);
    expect(median).toBe(40);
    const level = num(msg, /alert level of (\d+) bps/);
    expect(level).toBe(25);
    expect(median).toBeGreaterThan(level);
    expect(msg).toContain('(EXEC_SLIPPAGE_ALERT_BPS)');
    expect(await messagesMatching(h.emulator, TRADER, start, /DRIFT/)).toEqual([]);
  }, 120_000);
});

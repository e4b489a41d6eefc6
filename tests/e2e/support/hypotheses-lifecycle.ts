/**
 * Support for the living-hypotheses end-to-end story (tests/e2e/hypotheses-lifecycle.test.ts;
 * not a test file itself): the fixture universes on NYSE sessions, bars stored one session at a
 * time, the `hypotheses.session` job enqueued exactly as the scheduler enqueues it and waited for
 * (with every incubation it started), and the independent recomputation of a pick card's
 * half-Kelly line.
 */
import { expect } from 'vitest';
import { slotJobs } from '../../../src/app/roles/scheduler-role.js';
import type { AppContext } from '../../../src/app/context.js';
import { toSeries, type Bar, type BarSeries } from '../../../src/engine/bars.js';
import { isSession, nextSession } from '../../../src/engine/calendar/sessions.js';
import type { SlotRun } from '../../../src/jobs/scheduler/runner.js';
import { HypothesisStore } from '../../../src/trading/hypotheses/store.js';
import { setMarketTime } from '../../helpers/market-time.js';
import { plantedUniverse } from '../../helpers/planted-edge.js';
import { pollUntil } from '../resilience/support.js';

/** `n` NYSE sessions from `start` on (start itself when it is one). */
export function nyseSessions(start: string, n: number): string[] {
  const out: string[] = [];
  let d = isSession(start) ? start : nextSession(start);
  while (out.length < n) {
    out.push(d);
    d = nextSession(d);
  }
  return out;
}

/**
 * The seeded planted-edge or control universe of tests/helpers/planted-edge.ts, its values
 * unchanged, dated on NYSE sessions from `start` (the app judges sessions by the exchange's
 * calendar; the helper's weekdays include holidays).
 */
export function sessionUniverse(o: { seed: number; symbols: number; bars: number; planted: boolean; start: string }): BarSeries[] {
  const dates = nyseSessions(o.start, o.bars);
  return plantedUniverse({ seed: o.seed, symbols: o.symbols, bars: o.bars, planted: o.planted }).map((s) =>
    toSeries(
      s.symbol,
      dates.map((date, i) => ({ date, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! })),
    ),
  );
}

/** Bar `i` of a series. */
export function barAt(s: BarSeries, i: number): Bar {
  return { date: s.dates[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! };
}

/** Stores bars `from`..`to` (inclusive) of every series in the app's bars store (merge: appends). */
export async function storeBars(app: AppContext, series: readonly BarSeries[], from: number, to: number): Promise<void> {
  await app.bars.writeBars(
    series.map((s) => ({ symbol: s.symbol, bars: Array.from({ length: to - from + 1 }, (_, k) => barAt(s, from + k)) })),
    { source: 'e2e-hypotheses', demo: false },
  );
}

/**
 * One falling session per symbol after `prev` (its last bar): opens a little under the previous
 * close and closes `rate` under it (a down close every day, small moves), so a buy-the-dip
 * hypothesis keeps signalling and each of its trades ends a little under its entry.
 */
export function fallingBar(prev: Bar, date: string, rate: number): Bar {
  const open = prev.close * (1 - rate / 4);
  const close = prev.close * (1 - rate);
  return { date, open, high: open * 1.001, low: close * 0.999, close, volume: prev.volume };
}

/** The hypotheses queue's jobs that are not finished (a JSON of counts) and whether there are none. */
async function hypothesesQueue(app: AppContext): Promise<{ idle: boolean; counts: string }> {
  const c = await app.jobs.queues.hypotheses.getJobCounts('waiting', 'active', 'prioritized', 'delayed', 'waiting-children');
  return { idle: Object.values(c).every((n) => n === 0), counts: JSON.stringify(c) };
}

/**
 * The session `session` has closed: the app's clock moves to its evening (after the close, New
 * York), the `hypotheses.session` job is enqueued as the scheduler's hypotheses slot enqueues it
 * (same function, same date-keyed jobId), and this waits until it ran and every incubation it
 * enqueued ran. Done = the generator's run of this session is recorded (the job claims it
 * before it enqueues the incubations) and the hypotheses queue has nothing waiting, running or
 * delayed (a completed job is removed from the queue, so its record cannot be waited on).
 */
export async function closeSession(app: AppContext, session: string, timeoutMs = 60_000): Promise<void> {
  setMarketTime(`${session}T23:00:00Z`);
  // Only jobId and sessionDate are read by the hypotheses slot's enqueue function.
  await slotJobs({ jobs: app.jobs }).hypotheses({ slot: 'hypotheses', kind: 'hypotheses', sessionDate: session, jobId: `sched-us-hypotheses-${session}` } as SlotRun);
  const store = new HypothesisStore(app.uow, app.audit);
  let seen = 'nothing yet';
  await pollUntil(
    `the hypotheses.session job of ${session} and its incubations to finish`,
    async () => {
      const run = await store.lastGeneratorRun('US');
      const q = await hypothesesQueue(app);
      seen = `generator's last session ${run?.session ?? 'none'}; queue ${q.counts}`;
      return run?.session === session && q.idle ? true : undefined;
    },
    timeoutMs,
    50,
    () => `last seen: ${seen}`,
  );
}

/** The first number matched by `re` (group 1) in `text`, `$` and `,` removed. */
function num(text: string, re: RegExp): number {
  const m = re.exec(text);
  expect(m, `${re} in\n${text}`).not.toBeNull();
  return Number(m![1]!.replace(/[$,]/g, ''));
}

/** What a pick card's half-Kelly line shows. */
export interface KellyShown {
  n: number;
  wins: number;
  losses: number;
  p: number;
  b: number;
  f: number;
  shrink: number;
  riskPct: number;
  qty: number;
}

/**
 * Checks that the half-Kelly line of a pick card recomputes from its own numbers (DESIGN
 * section 10): p = W/n, f = p − (1 − p)/b, shrink = n/(n + 30), risk = min(f/2 · shrink, 1 %)
 * of the equity shown, qty = floor(risk ÷ (entry − stop)), then the cap that bound; and that
 * the card's Qty is the result. Returns the figures shown.
 */
export function expectKellyLineRecomputes(text: string): KellyShown {
  const line = text.split('\n').find((l) => /half-Kelly/.test(l));
  expect(line, text).toBeDefined();
  const k = line!;
  expect(k).not.toMatch(/no estimate|no edge/);
  const n = num(k, /n (\d+) \(/);
  const wins = num(k, /\((\d+) W/);
  const losses = num(k, /W \/ (\d+) L/);
  const p = num(k, /: p ([\d.]+),/);
  const b = num(k, /, b ([\d.]+),/);
  const f = num(k, /, f (-?[\d.]+),/);
  const shrinkN = num(k, /shrink (\d+)\/\(/);
  const shrink = num(k, /shrink \d+\/\(\d+\+30\) = ([\d.]+)/);
  const half = num(k, /f\/2 × shrink = ([\d.]+)/);
  const riskPct = num(k, /→ risk ([\d.]+)%/);
  const equity = num(k, /of (\$[\d,.]+) =/);
  const riskDollars = num(k, /= (\$[\d,.]+) ÷/);
  const perShare = num(k, /÷ ([\d.]+)\/sh/);
  const kellyQty = num(k, /\/sh = (\d+) sh/);
  expect(shrinkN).toBe(n);
  expect(p).toBeCloseTo(wins / n, 4);
  expect(f).toBeCloseTo(p - (1 - p) / b, 3);
  expect(shrink).toBeCloseTo(n / (n + 30), 4);
  expect(half).toBeCloseTo((f / 2) * shrink, 3);
  expect(riskPct / 100).toBeCloseTo(Math.min(half, 0.01), 5);
  expect(Math.abs(riskDollars - (riskPct / 100) * equity)).toBeLessThanOrEqual(equity * 0.000005 + 0.005);
  const entry = num(text, /Entry \(limit\) ([\d.]+)/);
  const stop = num(text, /Stop ([\d.]+)/);
  expect(perShare).toBeCloseTo(entry - stop, 6);
  expect(kellyQty).toBe(Math.floor(riskDollars / perShare));
  const capped = /cap bound: .* → (\d+) sh/.exec(k);
  const qty = capped ? Math.min(kellyQty, Number(capped[1])) : kellyQty;
  if (!capped) expect(k).toMatch(/no cap bound/);
  expect(num(text, /Qty (\d+) ·/)).toBe(qty);
  return { n, wins, losses, p, b, f, shrink, riskPct, qty };
}

/** p, b and n of closed trades in R, computed here (DESIGN section 10), for comparison with a card. */
export function kellyInputs(closedR: readonly number[]): { n: number; wins: number; losses: number; p: number; b: number } {
  const w = closedR.filter((r) => r > 0);
  const l = closedR.filter((r) => r < 0);
  const mean = (xs: readonly number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  return { n: closedR.length, wins: w.length, losses: l.length, p: w.length / closedR.length, b: mean(w) / Math.abs(mean(l)) };
}

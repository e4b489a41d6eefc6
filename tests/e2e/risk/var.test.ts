/**
 * Value at risk (issue 21 part 2) through the real bot, workers, queues and paper broker against the
 * Bot API emulator (local mode):
 * - /risk (an admin, and a viewer) answers the open book's one-day 95 % / 99 % VaR and ES, stating
 *   every position's value, the equity, the seed, the path count and the window; the test recomputes
 *   every figure from those statements alone, the slow way (its own mulberry32 draws and a sort);
 * - an Approve whose entry would put the book's 99 % VaR over VAR_LIMIT_PCT of equity is refused,
 *   nothing is ordered, and the refusal's figures recompute the same way;
 * - `courtside risk --json` gives the same figures as the chat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weekdaySessions } from '../../../src/adapters/market-data/synthetic/sessions.js';
import { TypeOrmUnitOfWork } from '../../../src/adapters/db/unit-of-work.js';
import { riskCommand as riskCli } from '../../../src/cli/commands/risk.js';
import { mulberry32 } from '../../../src/engine/backtest/prng.js';
import { alignedReturns } from '../../../src/engine/risk/returns.js';
import { closesFromBars } from '../../../src/trading/risk/closes-source.js';
import type { RiskReport } from '../../../src/trading/risk/var-report.js';
import { approvalSettled, command, count, holdPosition, insertPick, lastWeekday, textOf, waitMessage } from '../../helpers/execution.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { setProcessEnv } from '../../helpers/process-env.js';

const ADMIN = 1;
const VIEWER = 2;
const SEED = 4242;
const PATHS = 5000;
const LOOKBACK = 120;
const LIMIT_PCT = 0.5;
const END = lastWeekday();
const SESSIONS = weekdaySessions(END, 200);

let h: Harness;

/** A random walk of closes with daily moves up to ±vol/2, stored as bars (every bar's close is the walk). */
function walk(seed: number, start: number, vol: number): { date: string; open: number; high: number; low: number; close: number; volume: number }[] {
  const rng = mulberry32(seed);
  let c = start;
  return SESSIONS.map((date, i) => {
    c = i === SESSIONS.length - 1 ? start : c * (1 + (rng() - 0.5) * vol);
    const close = Math.round(c * 100) / 100;
    return { date, open: close, high: Math.round(close * 1.002 * 100) / 100, low: Math.round(close * 0.998 * 100) / 100, close, volume: 1_000_000 };
  });
}

beforeAll(async () => {
  h = await startHarness({
    mode: 'local',
    roles: ['bot', 'worker'],
    env: {
      TELEGRAM_ALLOWED_USER_IDS: `${VIEWER}:viewer`,
      VAR_SEED: String(SEED),
      VAR_PATHS: String(PATHS),
      VAR_LOOKBACK: String(LOOKBACK),
      VAR_LIMIT_PCT: String(LIMIT_PCT),
      EXEC_PER_ORDER_BUDGET: '20000',
      EXEC_DAILY_BUDGET: '50000',
    },
  });
  const app = h.running.app;
  await app.bars.writeBars(
    [
      { symbol: 'VRA', bars: walk(1, 50, 0.04) },
      { symbol: 'VRC', bars: walk(3, 20, 0.05) },
      // The candidate: a wild one, ±10 % a day.
      { symbol: 'VRB', bars: walk(2, 50, 0.2) },
    ],
    { source: 'e2e-var', demo: false },
  );
  // VRA marked at 51 (its last mark), VRC never marked (valued at cost).
  await holdPosition(app.ds, 'VRA', 100, 50);
  await app.ds.query(`UPDATE positions SET last_price = 51, last_price_at = now() WHERE symbol = 'VRA'`);
  await holdPosition(app.ds, 'VRC', 50, 20);
  await app.ds.query(
    `INSERT INTO equity_marks (date, equity, cash, market_value, realized_pnl, unrealized_pnl, benchmark_close, marked_at) VALUES ($1, 100000, 94000, 6000, 0, 0, NULL, now() - interval '1 minute')`,
    [SESSIONS.at(-2)],
  );
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const num = (s: string) => Number(s.replace(/[$,]/g, ''));

/** The method written out the slow way: mulberry32(seed) draws a day per path, the N losses sorted, the k-th largest and the mean of the k largest. */
function recompute(values: Map<string, number>, seed: number, paths: number, days: number, last: string, closes: Awaited<ReturnType<ReturnType<typeof closesFromBars>>>) {
  const symbols = [...values.keys()];
  const a = alignedReturns(closes, symbols, days, last);
  const rng = mulberry32(seed);
  const losses: number[] = [];
  for (let p = 0; p < paths; p++) {
    const t = Math.floor(rng() * a.dates.length);
    losses.push(-a.symbols.reduce((s, sym, i) => s + values.get(sym)! * a.returns[i]![t]!, 0));
  }
  losses.sort((x, y) => y - x);
  const at = (level: number) => {
    const k = Math.max(1, Math.ceil(paths * (1 - level) - 1e-9));
    return { var: losses[k - 1]!, es: losses.slice(0, k).reduce((s, x) => s + x, 0) / k };
  };
  return { first: a.dates[0], last: a.dates.at(-1), days: a.dates.length, p95: at(0.95), p99: at(0.99) };
}

async function closesOf(symbols: string[]) {
  return closesFromBars(new TypeOrmUnitOfWork(h.running.app.ds))(symbols, 1000);
}

/** Parses a /risk answer and checks that every figure recomputes from what it states. */
async function checkRiskMessage(text: string): Promise<{ var99: number; equity: number }> {
  const positions = [...text.matchAll(/• (\S+) (\d+) sh × (\$[\d,.]+) \((last mark|avg cost, no mark yet)\) = (\$[\d,.]+)/g)];
  expect(positions.map((m) => [m[1], m[4]])).toEqual([
    ['VRA', 'last mark'],
    ['VRC', 'avg cost, no mark yet'],
  ]);
  for (const m of positions) expect(num(m[5]!)).toBeCloseTo(Number(m[2]) * num(m[3]!), 2);
  expect(num(positions[0]![3]!)).toBe(51);
  expect(num(positions[1]![3]!)).toBe(20);
  const equity = num(/equity (\$[\d,.]+) \(/.exec(text)![1]!);
  const method = /Method: ([\d,]+) paths, seed (\d+); each path draws one day uniformly with replacement from the joint daily returns of (\d+) sessions (\S+) to (\S+) \(lookback (\d+)\)/.exec(text);
  expect(method, text).not.toBeNull();
  const [paths, seed, days] = [num(method![1]!), Number(method![2]), Number(method![3])];
  expect([paths, seed, Number(method![6])]).toEqual([PATHS, SEED, LOOKBACK]);
  const values = new Map(positions.map((m) => [m[1]!, num(m[5]!)]));
  const again = recompute(values, seed, paths, days, method![5]!, await closesOf([...values.keys()]));
  expect([again.first, again.last, again.days]).toEqual([method![4], method![5], days]);
  expect(days).toBe(LOOKBACK);
  for (const [level, fig] of [['95', again.p95], ['99', again.p99]] as const) {
    const m = new RegExp(`1 day ${level} %: VaR (-?\\$[\\d,.]+) \\((-?[\\d.]+)% of equity\\) · ES (-?\\$[\\d,.]+) \\((-?[\\d.]+)% of equity\\)`).exec(text);
    expect(m, text).not.toBeNull();
    const [v, vp, es, esp] = [num(m![1]!), Number(m![2]), num(m![3]!), Number(m![4])];
    expect(v).toBeCloseTo(fig.var, 2);
    expect(es).toBeCloseTo(fig.es, 2);
    expect(vp).toBeCloseTo(Math.round((v / equity) * 10_000) / 100, 2);
    expect(esp).toBeCloseTo(Math.round((es / equity) * 10_000) / 100, 2);
  }
  expect(text).toMatch(new RegExp(`VaR = the ${Math.ceil(PATHS * 0.01)}th largest of the ${PATHS.toLocaleString('en-US')} path losses at 99 %`));
  return { var99: num(/1 day 99 %: VaR (-?\$[\d,.]+)/.exec(text)![1]!), equity };
}

describe('value at risk through the bot', () => {
  it('/risk states VaR and ES at 95 % and 99 % with the seed, paths and window, and every figure recomputes from them (admin and viewer)', async () => {
    const answer = textOf(await command(h, ADMIN, '/risk', /Value at risk · US \(USD\)/, 20_000));
    const { var99, equity } = await checkRiskMessage(answer);
    expect(answer).toMatch(new RegExp(`${LIMIT_PCT}% of equity \\(\\$[\\d,.]+\\); the book is within it`));
    expect(var99).toBeLessThan((equity * LIMIT_PCT) / 100);
    const viewer = textOf(await command(h, VIEWER, '/risk', /Value at risk · US \(USD\)/, 20_000));
    await checkRiskMessage(viewer);
  }, 60_000);

  it('`courtside risk --json` gives the chat’s figures', async () => {
    const restore = setProcessEnv({ DATABASE_URL: h.dbUrl, VAR_SEED: String(SEED), VAR_PATHS: String(PATHS), VAR_LOOKBACK: String(LOOKBACK), VAR_LIMIT_PCT: String(LIMIT_PCT) });
    let out = '';
    try {
      expect(await riskCli.run(['--json'], { stdout: (t) => (out += t), stderr: (t) => (out += t) })).toBe(0);
    } finally {
      restore();
    }
    const r = JSON.parse(out) as RiskReport;
    expect([r.var.seed, r.var.paths, r.var.lookback, r.var.days]).toEqual([SEED, PATHS, LOOKBACK, LOOKBACK]);
    const chat = textOf(await command(h, ADMIN, '/risk', /Value at risk · US \(USD\)/, 20_000));
    expect(chat).toContain(`1 day 99 %: VaR $${r.var.p99.var.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
    expect(r.positions.map((p) => [p.symbol, p.priceSource, p.value])).toEqual([
      ['VRA', 'mark', 5_100],
      ['VRC', 'cost', 1_000],
    ]);
  }, 60_000);

  it('an Approve whose entry would breach VAR_LIMIT_PCT is refused with the figures, which recompute; nothing is ordered', async () => {
    const ds = h.running.app.ds;
    const pickId = await insertPick(ds, { symbol: 'VRB', entry: 50, stop: 47.5, qty: 150 });
    const after = h.emulator.lastSeq;
    await command(h, ADMIN, `/approve ${pickId}`, /Approved VRB/, 20_000);
    const told = textOf(await waitMessage(h.emulator, ADMIN, after, /value-at-risk limit/, 30_000));
    const approval = await approvalSettled(ds, pickId, 20_000);
    expect(approval.state).toBe('refused');
    expect(await count(ds, `SELECT count(*)::int AS n FROM orders WHERE symbol = 'VRB'`)).toBe(0);

    const m = /with this order \((\d+) sh × (\$[\d,.]+) = (\$[\d,.]+)\) the book's one-day 99 % VaR would be (\$[\d,.]+) \((\$[\d,.]+) without it\), ([\d.]+)% of equity (\$[\d,.]+), above the ([\d.]+)% limit \((\$[\d,.]+)\); bootstrap of (\d+) paths, seed (\d+), joint daily returns of (\d+) sessions (\S+) to (\S+)\./.exec(told);
    expect(m, told).not.toBeNull();
    const [qty, price, value, after$, before$, pctShown, equity, limitPct, limit$] = [Number(m![1]), num(m![2]!), num(m![3]!), num(m![4]!), num(m![5]!), Number(m![6]), num(m![7]!), Number(m![8]), num(m![9]!)];
    const [paths, seed, days, first, last] = [Number(m![10]), Number(m![11]), Number(m![12]), m![13]!, m![14]!];
    expect([qty, paths, seed, days, limitPct]).toEqual([150, PATHS, SEED, LOOKBACK, LIMIT_PCT]);
    expect(value).toBeCloseTo(qty * price, 2);
    expect(limit$).toBeCloseTo((equity * limitPct) / 100, 2);
    expect(pctShown).toBeCloseTo(Math.round((after$ / equity) * 10_000) / 100, 2);
    expect(after$).toBeGreaterThan(limit$);
    expect(before$).toBeLessThanOrEqual(limit$);
    // Recompute both figures the slow way from the stated seed, paths, window and values.
    const closes = await closesOf(['VRA', 'VRC', 'VRB']);
    const held = new Map([['VRA', 5_100], ['VRC', 1_000]]);
    const beforeAgain = recompute(held, seed, paths, days, last, closes);
    const afterAgain = recompute(new Map([...held, ['VRB', value]]), seed, paths, days, last, closes);
    expect([afterAgain.first, afterAgain.last, afterAgain.days]).toEqual([first, last, days]);
    expect(before$).toBeCloseTo(beforeAgain.p99.var, 2);
    expect(after$).toBeCloseTo(afterAgain.p99.var, 2);
    // /risk still shows the book within the limit (the refused entry added nothing).
    const risk = textOf(await command(h, ADMIN, '/risk', /Value at risk · US \(USD\)/, 20_000));
    expect(risk).toMatch(/the book is within it/);
  }, 90_000);
});

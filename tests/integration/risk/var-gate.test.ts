/**
 * The value-at-risk gate, the /risk report and the close digest's VaR line on a real Postgres:
 * closes read from bars_daily (closesFromBars), positions from the positions table, and figures
 * that recompute with the pure kernel from the seed, paths and window they state.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { weekdaySessions } from '../../../src/adapters/market-data/synthetic/sessions.js';
import { mulberry32 } from '../../../src/engine/backtest/prng.js';
import { describeRefusal } from '../../../src/engine/risk/refusal-sentences.js';
import { bookVar } from '../../../src/engine/risk/var.js';
import { closesFromBars } from '../../../src/trading/risk/closes-source.js';
import { DEFAULT_RISK_SETTINGS, type RiskSettings } from '../../../src/trading/risk/settings.js';
import { loadOpenPositions } from '../../../src/trading/risk/open-positions.js';
import { varGate } from '../../../src/trading/risk/var-gate.js';
import { loadRiskReport } from '../../../src/trading/risk/var-report.js';
import { buildCloseDigest } from '../../../src/trading/digest/build.js';
import { closeDigestView } from '../../../src/bot/views/digest-view.js';
import { riskView } from '../../../src/bot/views/risk-view.js';
import { makeDigestWorld, type DigestWorld } from '../trading/digest/fixture.js';

const AS_OF = '2026-11-20';
const SESSIONS = weekdaySessions(AS_OF, 300);
const SETTINGS: RiskSettings = { ...DEFAULT_RISK_SETTINGS, varLookback: 250, varPaths: 10_000, varSeed: 77, varLimitPct: 3 };

let w: DigestWorld;
beforeEach(async () => {
  w = await makeDigestWorld();
});
afterEach(async () => {
  await w.close();
});

/** Stores a random-walk close series (daily moves up to ±`vol`/2) in bars_daily, one statement. */
async function bars(symbol: string, seed: number, start: number, vol = 0.06, dates = SESSIONS): Promise<void> {
  const rng = mulberry32(seed);
  let c = start;
  const closes = dates.map(() => Math.round((c *= 1 + (rng() - 0.5) * vol) * 100) / 100);
  await w.run(
    `INSERT INTO bars_daily (symbol, date, open, high, low, close, volume, source)
     SELECT $1, d::date, c, c, c, c, 1000, 'csv' FROM unnest($2::text[], $3::numeric[]) AS t(d, c)`,
    [symbol, dates, closes],
  );
}

const deps = () => ({ db: w.db, closes: closesFromBars(w.db), settings: SETTINGS });
const book = async () => ({ positions: await loadOpenPositions(w.db) });
const candidate = (symbol: string, qty: number, price: number, equity = 100_000) => ({ symbol, strategy: 'donchian', qty, price, stop: price * 0.9, equity, asOf: AS_OF });

describe('the value-at-risk gate', () => {
  it('passes an entry that keeps the 99 % VaR within VAR_LIMIT_PCT of equity', async () => {
    await bars('AAA', 1, 50);
    await bars('BBB', 2, 20);
    await w.position({ symbol: 'AAA', qty: 100, avgCost: 50, lastPrice: 52 });
    expect(await varGate(deps(), candidate('BBB', 10, 20), await book())).toEqual({ ok: true });
  });

  it('refuses an entry that would breach the limit, with before, after, equity, the % and the limit — figures that recompute', async () => {
    await bars('AAA', 1, 50);
    await bars('BBB', 2, 20);
    await w.position({ symbol: 'AAA', qty: 100, avgCost: 50, lastPrice: 52 });
    const r = await varGate(deps(), candidate('BBB', 8_000, 20), await book());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.gate).toBe('var');
    expect(r.limit).toBe('max_var');
    const n = r.numbers;
    // Recompute from the stated seed, paths and window with the kernel, from the same bars.
    const series = await closesFromBars(w.db)(['AAA', 'BBB'], 400);
    const after = bookVar(series, [{ symbol: 'AAA', value: 5_200 }, { symbol: 'BBB', value: 160_000 }], { lookback: 250, paths: n.paths!, seed: n.seed!, asOf: AS_OF });
    const before = bookVar(series, [{ symbol: 'AAA', value: 5_200 }], { lookback: 250, paths: n.paths!, seed: n.seed!, asOf: AS_OF });
    expect(n.varAfter).toBeCloseTo(after.p99.var, 5);
    expect(n.varBefore).toBeCloseTo(before.p99.var, 5);
    expect(n.varAfter).toBeGreaterThan(3_000);
    expect(n.varBefore).toBeLessThan(3_000);
    expect(n.limitUsd).toBe(3_000);
    expect(n.varPct).toBeCloseTo((n.varAfter! / 100_000) * 100, 5);
    expect(n.days).toBe(250);
    expect(n.lastDate).toBe(Number(AS_OF.replace(/-/g, '')));
    expect(r.reason).toBe(describeRefusal('var', 'max_var', n));
    const m = /VaR would be \$([\d,.]+) \(\$([\d,.]+) without it\), ([\d.]+)% of equity \$([\d,.]+), above the 3% limit \(\$3,000\.00\); bootstrap of 10000 paths, seed 77, joint daily returns of 250 sessions (\S+) to 2026-11-20/.exec(r.reason);
    expect(m, r.reason).not.toBeNull();
    const [, a, b, p, e] = m!.map((x) => Number(x?.replace(/,/g, '')));
    expect(a).toBeCloseTo(after.p99.var, 2);
    expect(b).toBeCloseTo(before.p99.var, 2);
    expect(p).toBeCloseTo(Math.round((a! / e!) * 10_000) / 100, 2);
    expect(m![5]).toBe(after.window!.first);
  });

  it('refuses any new entry while the book alone is already over the limit, and says so', async () => {
    await bars('AAA', 1, 50, 0.2);
    await bars('BBB', 2, 20);
    await w.position({ symbol: 'AAA', qty: 2_000, avgCost: 50, lastPrice: 50 });
    const r = await varGate(deps(), candidate('BBB', 1, 20), await book());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.limit).toBe('book_over_limit');
    expect(r.numbers.varBefore).toBeGreaterThan(r.numbers.limitUsd!);
    expect(r.reason).toMatch(/the open book's one-day 99 % VaR is already \$[\d,.]+, [\d.]+% of equity \$100,000\.00, above the 3% limit \(\$3,000\.00\), so no new risk is taken/);
  });

  it('is deterministic: the same seed gives the same refusal figures', async () => {
    await bars('AAA', 1, 50);
    await w.position({ symbol: 'AAA', qty: 100, avgCost: 50, lastPrice: 50 });
    const run = async (seed: number) => {
      const r = await varGate({ ...deps(), settings: { ...SETTINGS, varSeed: seed, varLimitPct: 0.01 } }, candidate('AAA', 100, 50), await book());
      return r.ok ? null : r.numbers;
    };
    const a = await run(5);
    expect(a).not.toBeNull();
    expect(await run(5)).toEqual(a);
  });
});

describe('/risk report and the close digest line', () => {
  it('values at the last mark, else the cost (saying which), lists symbols without bars, and its figures recompute', async () => {
    await bars('AAA', 1, 50);
    await bars('BBB', 2, 20);
    await w.position({ symbol: 'AAA', qty: 100, avgCost: 50, lastPrice: 52 });
    await w.position({ symbol: 'BBB', qty: 40, avgCost: 20 });
    await w.position({ symbol: 'NOBARS', qty: 5, avgCost: 10, lastPrice: 11 });
    await w.equity('2026-11-19', 80_000, null);
    const report = await loadRiskReport(deps(), new Date(`${AS_OF}T16:30:00-05:00`));
    expect(report.positions.map((p) => [p.symbol, p.priceSource, p.value])).toEqual([
      ['AAA', 'mark', 5_200],
      ['BBB', 'cost', 800],
      ['NOBARS', 'mark', 55],
    ]);
    expect(report.var.missing).toEqual([{ symbol: 'NOBARS', value: 55 }]);
    expect(report.equity?.value).toBeGreaterThan(0);
    const text = riskView(report).text;
    expect(text).toContain('• BBB 40 sh × $20.00 (avg cost, no mark yet) = $800.00');
    expect(text).toMatch(/Left out for missing bars: NOBARS \(\$55\.00\)/);
    const m = /1 day 99 %: VaR \$([\d,.]+) \(([\d.]+)% of equity\)/.exec(text);
    expect(m, text).not.toBeNull();
    const series = await closesFromBars(w.db)(['AAA', 'BBB'], 400);
    const again = bookVar(series, [{ symbol: 'AAA', value: 5_200 }, { symbol: 'BBB', value: 800 }], { lookback: 250, paths: 10_000, seed: 77, asOf: AS_OF });
    expect(Number(m![1]!.replace(/,/g, ''))).toBeCloseTo(again.p99.var, 2);
    expect(text).toContain(`seed 77; each path draws one day uniformly with replacement from the joint daily returns of 250 sessions ${again.window!.first} to ${AS_OF}`);
  });

  it('the close digest carries "Value at risk (99 %, 1 day): $X (Y% of equity $E)" when built with the VAR_* settings, and nothing without them', async () => {
    await bars('AAA', 1, 50);
    await w.position({ symbol: 'AAA', qty: 100, avgCost: 50, lastPrice: 52 });
    await w.equity(AS_OF, 50_000, null);
    const now = new Date(`${AS_OF}T16:20:00-05:00`);
    const withVar = await buildCloseDigest(w, { now, sessionDate: AS_OF, risk: SETTINGS });
    const line = closeDigestView(withVar).text.split('\n').find((l) => l.startsWith('Value at risk'));
    const m = /^Value at risk \(99 %, 1 day\): \$([\d,.]+) \(([\d.]+)% of equity \$([\d,.]+)\)/.exec(line ?? '');
    expect(m, line).not.toBeNull();
    const series = await closesFromBars(w.db)(['AAA'], 400);
    const v = bookVar(series, [{ symbol: 'AAA', value: 5_200 }], { lookback: 250, paths: 10_000, seed: 77, asOf: AS_OF });
    const [x, y, e] = [m![1], m![2], m![3]].map((s) => Number(s!.replace(/,/g, '')));
    expect(x).toBeCloseTo(v.p99.var, 2);
    expect(e).toBe(50_000);
    expect(y).toBeCloseTo(Math.round((x! / e!) * 10_000) / 100, 2);
    const without = await buildCloseDigest(w, { now, sessionDate: AS_OF });
    expect(closeDigestView(without).text).not.toContain('Value at risk');
  });
});

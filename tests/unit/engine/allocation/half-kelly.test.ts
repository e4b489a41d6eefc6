import { describe, expect, it } from 'vitest';
import { sizeHalfKelly, type KellyInput, type KellySizing } from '../../../../src/engine/allocation/index.js';

/** A quiet context: 100,000 of equity, all cash, nothing open, no risk taken yet. */
function input(rMultiples: number[], over: Partial<KellyInput> = {}): KellyInput {
  return {
    rMultiples,
    equity: 100_000,
    entry: 20,
    stop: 18,
    hypothesisOpenValue: 0,
    cashAvailable: 100_000,
    sessionRiskUsed: 0,
    ...over,
  };
}

function sized(inp: KellyInput): KellySizing {
  const r = sizeHalfKelly(inp);
  if (!r.ok) throw new Error(`refused: ${r.reason} ${r.field}`);
  return r;
}

const rep = (n: number, r: number): number[] => Array.from({ length: n }, () => r);

describe('half-Kelly worked examples (computed by hand here)', () => {
  it('a thin edge: 5 wins of 1.1R, 5 losses of 1R → kelly, no cap binds', () => {
    const s = sized(input([...rep(5, 1.1), ...rep(5, -1)]));
    // p = 5/10; b = 1.1/1; f = 0.5 − 0.5/1.1 = 1/22; shrink = 10/40; risk = f/2 · shrink = 1/176.
    const p = 0.5;
    const b = 1.1;
    const f = p - (1 - p) / b;
    expect(f).toBeCloseTo(1 / 22, 12);
    const shrink = 10 / (10 + 30);
    const risk = (f / 2) * shrink;
    expect(risk).toBeCloseTo(1 / 176, 12);
    expect(s.estimate).toMatchObject({ n: 10, wins: 5, losses: 5, scratches: 0 });
    expect(s.estimate.p).toBe(p);
    expect(s.estimate.b).toBeCloseTo(b, 12);
    expect(s.estimate.f).toBeCloseTo(f, 12);
    expect(s.estimate.shrink).toBe(0.25);
    expect(s.rule).toBe('kelly');
    expect(s.riskFraction).toBeCloseTo(risk, 12);
    // risk$ = 100,000/176 = 568.18…; per share 20 − 18 = 2 → floor(284.09) = 284.
    expect(s.riskDollars).toBeCloseTo(100_000 / 176, 6);
    expect(s.kellyQty).toBe(284);
    expect(s.qty).toBe(284);
    expect(s.boundBy).toBeNull();
    expect(s.caps.map((c) => c.bound)).toEqual([false, false, false, false]);
    expect(s.notional).toBe(284 * 20);
    expect(s.riskTaken).toBe(284 * 2);
    expect(s.demotionCheck).toBe(false);
  });

  it('a strong edge: 10 wins of 2R, 10 losses of 1R → the 1 % cap, then the 10 % position cap', () => {
    const s = sized(input([...rep(10, 2), ...rep(10, -1)], { entry: 50, stop: 48 }));
    // p = 0.5; b = 2; f = 0.5 − 0.5/2 = 0.25; shrink = 20/50 = 0.4; f/2·shrink = 0.05 > 0.01.
    expect(s.estimate.f).toBe(0.25);
    expect(s.estimate.shrink).toBe(0.4);
    expect(s.estimate.halfKellyShrunk).toBeCloseTo(0.05, 12);
    expect(s.rule).toBe('cap_1pct');
    expect(s.riskFraction).toBe(0.01);
    // risk$ = 1,000; per share 2 → 500; 500 × 50 = 25,000 > 10 % of 100,000 → 10,000/50 = 200.
    expect(s.kellyQty).toBe(500);
    expect(s.caps[0]).toMatchObject({ cap: 'position_pct', budget: 10_000, perShare: 50, maxQty: 200, qtyBefore: 500, qtyAfter: 200, bound: true });
    expect(s.qty).toBe(200);
    expect(s.boundBy).toBe('position_pct');
  });

  it('EXEC_MAX_POSITION_PCT = 15 moves the position cap', () => {
    const s = sized(input([...rep(10, 2), ...rep(10, -1)], { entry: 50, stop: 48, maxPositionPct: 15 }));
    expect(s.qty).toBe(300); // 15,000 / 50
  });

  it('the hypothesis 40 % cap: 38,000 already open leaves 2,000 → 200 shares at 10', () => {
    const s = sized(input([...rep(10, 2), ...rep(10, -1)], { entry: 10, stop: 8, hypothesisOpenValue: 38_000 }));
    // kellyQty = 1,000/2 = 500; position cap 10,000/10 = 1,000; hypothesis (40,000 − 38,000)/10 = 200.
    expect(s.kellyQty).toBe(500);
    expect(s.caps[1]).toMatchObject({ cap: 'hypothesis_40pct', budget: 2_000, maxQty: 200, qtyAfter: 200, bound: true });
    expect(s.qty).toBe(200);
    expect(s.boundBy).toBe('hypothesis_40pct');
  });

  it('the cash reserve: 11,000 cash keeps 10,000 → 100 shares at 10', () => {
    const s = sized(input([...rep(10, 2), ...rep(10, -1)], { entry: 10, stop: 8, cashAvailable: 11_000 }));
    expect(s.caps[2]).toMatchObject({ cap: 'cash_reserve', budget: 1_000, maxQty: 100, bound: true });
    expect(s.qty).toBe(100);
    expect(s.boundBy).toBe('cash_reserve');
  });

  it('the session new-risk cap: 1,500 already risked leaves 500 → 250 shares at 2 a share', () => {
    const s = sized(input([...rep(10, 2), ...rep(10, -1)], { entry: 10, stop: 8, sessionRiskUsed: 1_500 }));
    expect(s.caps[3]).toMatchObject({ cap: 'session_risk_2pct', budget: 500, perShare: 2, maxQty: 250, qtyBefore: 500, qtyAfter: 250, bound: true });
    expect(s.qty).toBe(250);
    expect(s.boundBy).toBe('session_risk_2pct');
  });

  it('names the tightest cap when several bind', () => {
    // position → 1,000 (no bind at 500), hypothesis → 300, cash → 100, session → 250 (no bind after 100).
    const s = sized(input([...rep(10, 2), ...rep(10, -1)], { entry: 10, stop: 8, hypothesisOpenValue: 37_000, cashAvailable: 11_000, sessionRiskUsed: 1_500 }));
    expect(s.caps.map((c) => c.qtyAfter)).toEqual([500, 300, 100, 100]);
    expect(s.qty).toBe(100);
    expect(s.boundBy).toBe('cash_reserve');
  });

  it('scratches (R = 0) count in n and lower p, but stay out of the mean loss', () => {
    const s = sized(input([...rep(5, 2), ...rep(5, -1), 0, 0]));
    // n = 12; p = 5/12; b = 2/1; f = 5/12 − (7/12)/2 = 3/24 = 0.125 (0.25 without the scratches).
    expect(s.estimate).toMatchObject({ n: 12, wins: 5, losses: 5, scratches: 2, meanLossR: 1, b: 2 });
    expect(s.estimate.p).toBeCloseTo(5 / 12, 12);
    expect(s.estimate.f).toBeCloseTo(0.125, 12);
    expect(s.estimate.shrink).toBeCloseTo(12 / 42, 12);
    // f/2 · shrink = 0.0625 · 12/42 = 0.017857 > 1 % → cap.
    expect(s.rule).toBe('cap_1pct');
  });
});

describe('edge cases', () => {
  it('4 wins and 10 losses: no estimate → 0.25 %', () => {
    const s = sized(input([...rep(4, 3), ...rep(10, -1)], { entry: 20, stop: 19 }));
    expect(s.rule).toBe('no_estimate');
    expect(s.riskFraction).toBe(0.0025);
    // 250 / 1 = 250 shares; 250 × 20 = 5,000 is under the 10,000 position cap.
    expect(s.qty).toBe(250);
    expect(s.demotionCheck).toBe(false);
  });

  it('no trades: no estimate, p null, shrink 0', () => {
    const s = sized(input([]));
    expect(s.rule).toBe('no_estimate');
    expect(s.estimate).toMatchObject({ n: 0, p: null, b: null, f: null, shrink: 0 });
    expect(s.qty).toBe(125); // 250 / 2
  });

  it('all wins: b is undefined, so no estimate (0.25 %), not f = 1', () => {
    const s = sized(input(rep(12, 1.5)));
    expect(s.estimate).toMatchObject({ wins: 12, losses: 0, p: 1, meanLossR: null, b: null, f: null });
    expect(s.rule).toBe('no_estimate');
    expect(s.riskFraction).toBe(0.0025);
  });

  it('all losses (≥ 5): p = 0 makes f negative whatever b is → no edge, qty 0, demotion check', () => {
    const s = sized(input(rep(8, -1)));
    expect(s.estimate).toMatchObject({ wins: 0, losses: 8, p: 0, b: null });
    expect(s.rule).toBe('no_edge');
    expect(s.riskFraction).toBe(0);
    expect(s.kellyQty).toBe(0);
    expect(s.qty).toBe(0);
    expect(s.demotionCheck).toBe(true);
  });

  it('fewer than 5 losses and no wins is still no estimate', () => {
    expect(sized(input(rep(3, -1))).rule).toBe('no_estimate');
  });

  it('f exactly 0 (p = 0.5, b = 1) → no edge', () => {
    const s = sized(input([...rep(5, 1), ...rep(5, -1)]));
    expect(s.estimate.f).toBe(0);
    expect(s.rule).toBe('no_edge');
    expect(s.qty).toBe(0);
    expect(s.demotionCheck).toBe(true);
  });

  it('a negative edge → no edge (KISMUTANT floored this at 10 %)', () => {
    const s = sized(input([...rep(5, 1), ...rep(10, -1)]));
    // p = 1/3, b = 1, f = 1/3 − 2/3 < 0.
    expect(s.estimate.f).toBeCloseTo(-1 / 3, 12);
    expect(s.rule).toBe('no_edge');
    expect(s.qty).toBe(0);
  });

  it('a tiny positive f below 1e-9 → no edge', () => {
    const s = sized(input([...rep(5, 1 + 2e-10), ...rep(5, -1)]));
    // f = 0.5 − 0.5/(1 + 2e-10) ≈ 1e-10.
    expect(s.estimate.f!).toBeGreaterThan(0);
    expect(s.estimate.f!).toBeLessThan(1e-9);
    expect(s.rule).toBe('no_edge');
    expect(s.qty).toBe(0);
  });

  it('a tiny positive f above 1e-9 → kelly, and a risk too small for one share', () => {
    const s = sized(input([...rep(5, 1 + 1e-8), ...rep(5, -1)]));
    // f ≈ 5e-9; risk = f/2 · 0.25 ≈ 6.25e-10 of 100,000 = 0.0000625 → 0 shares, no demotion.
    expect(s.estimate.f!).toBeGreaterThan(1e-9);
    expect(s.rule).toBe('kelly');
    expect(s.riskFraction).toBeCloseTo(5e-9 / 8, 15);
    expect(s.qty).toBe(0);
    expect(s.demotionCheck).toBe(false);
  });

  it('a cap already exceeded leaves 0, not a negative quantity', () => {
    const s = sized(input([...rep(10, 2), ...rep(10, -1)], { hypothesisOpenValue: 45_000, cashAvailable: 5_000, sessionRiskUsed: 2_500 }));
    expect(s.caps.slice(1).map((c) => c.maxQty)).toEqual([0, 0, 0]);
    expect(s.qty).toBe(0);
  });
});

describe('refusals (typed, never thrown)', () => {
  const ok = [...rep(5, 2), ...rep(5, -1)];
  it.each([
    [{ entry: 18, stop: 18 }, 'entry_not_above_stop', 'stop'],
    [{ entry: 17, stop: 18 }, 'entry_not_above_stop', 'stop'],
    [{ equity: 0 }, 'equity_not_positive', 'equity'],
    [{ equity: -5 }, 'equity_not_positive', 'equity'],
    [{ equity: Number.NaN }, 'non_finite', 'equity'],
    [{ entry: Number.POSITIVE_INFINITY }, 'non_finite', 'entry'],
    [{ stop: -1 }, 'stop_negative', 'stop'],
    [{ entry: 0, stop: 0 }, 'entry_not_positive', 'entry'],
    [{ maxPositionPct: 0 }, 'max_position_pct_out_of_range', 'maxPositionPct'],
    [{ maxPositionPct: 150 }, 'max_position_pct_out_of_range', 'maxPositionPct'],
    [{ sessionRiskUsed: -1 }, 'negative_amount', 'sessionRiskUsed'],
    [{ hypothesisOpenValue: -1 }, 'negative_amount', 'hypothesisOpenValue'],
    [{ cashAvailable: Number.NaN }, 'non_finite', 'cashAvailable'],
  ] as Array<[Partial<KellyInput>, string, string]>)('%o → %s', (over, reason, field) => {
    const r = sizeHalfKelly(input(ok, over));
    expect(r).toMatchObject({ ok: false, reason, field });
  });

  it('a non-finite R multiple is refused and named by index', () => {
    expect(sizeHalfKelly(input([1, -1, Number.NaN]))).toMatchObject({ ok: false, reason: 'non_finite', field: 'rMultiples[2]' });
  });
});

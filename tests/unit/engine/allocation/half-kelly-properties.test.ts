import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sizeHalfKelly, type KellyInput, type KellySizing } from '../../../../src/engine/allocation/index.js';

/** R multiples with both signs, scratches and a spread of sizes. */
const rArb = fc.oneof(
  fc.double({ min: 0.01, max: 6, noNaN: true }),
  fc.double({ min: -3, max: -0.01, noNaN: true }),
  fc.constant(0),
);

/**
 * A shadow book: either any list of R, or a structured history (counts of
 * wins, losses and scratches around a mean win and loss) so that edges from
 * negative to strong, past the 5-and-5 minimum, come up often.
 */
const historyArb = fc.oneof(
  fc.array(rArb, { maxLength: 80 }),
  fc
    .record({
      wins: fc.integer({ min: 0, max: 60 }),
      losses: fc.integer({ min: 0, max: 60 }),
      scratches: fc.integer({ min: 0, max: 4 }),
      winR: fc.double({ min: 0.2, max: 4, noNaN: true }),
      lossR: fc.double({ min: 0.2, max: 2, noNaN: true }),
      jitter: fc.array(fc.double({ min: 0.5, max: 1.5, noNaN: true }), { minLength: 7, maxLength: 7 }),
    })
    .map((h) => [
      ...Array.from({ length: h.wins }, (_, i) => h.winR * h.jitter[i % 7]!),
      ...Array.from({ length: h.losses }, (_, i) => -h.lossR * h.jitter[(i + 3) % 7]!),
      ...Array.from({ length: h.scratches }, () => 0),
    ]),
);

/** A fraction of equity: often slack (the cap does not bind), sometimes anywhere in range. */
const fracArb = (slack: number, min: number, max: number) =>
  fc.oneof(fc.constant(slack), fc.double({ min, max, noNaN: true }), fc.integer({ min: 0, max: 100 }).map((k) => min + ((max - min) * k) / 100));

/** A valid context; the caps' inputs range from slack to already exceeded. */
const inputArb: fc.Arbitrary<KellyInput> = fc
  .record({
    rMultiples: historyArb,
    equity: fc.double({ min: 500, max: 5e7, noNaN: true }),
    entry: fc.double({ min: 0.5, max: 2_000, noNaN: true }),
    stopFrac: fc.oneof(fc.double({ min: 0, max: 0.999, noNaN: true }), fc.integer({ min: 50, max: 99 }).map((k) => k / 100)),
    maxPositionPct: fc.option(fc.double({ min: 0.5, max: 100, noNaN: true }), { nil: undefined }),
    openFrac: fracArb(0, 0, 0.5),
    cashFrac: fracArb(1, 0, 1.2),
    sessionFrac: fracArb(0, 0, 0.025),
  })
  .map((g) => ({
    rMultiples: g.rMultiples,
    equity: g.equity,
    entry: g.entry,
    stop: g.entry * g.stopFrac,
    maxPositionPct: g.maxPositionPct,
    hypothesisOpenValue: g.openFrac * g.equity,
    cashAvailable: g.cashFrac * g.equity,
    sessionRiskUsed: g.sessionFrac * g.equity,
  }));

function sized(inp: KellyInput): KellySizing {
  const r = sizeHalfKelly(inp);
  if (!r.ok) throw new Error(`refused a valid input: ${r.reason} ${r.field}`);
  return r;
}

/** f recomputed here, independently of the module: null when there is no p or b. */
function edgeOf(rs: readonly number[]): { wins: number; losses: number; f: number | null } {
  const w = rs.filter((r) => r > 0);
  const l = rs.filter((r) => r < 0);
  if (rs.length === 0 || w.length === 0 || l.length === 0) return { wins: w.length, losses: l.length, f: null };
  const p = w.length / rs.length;
  const b = w.reduce((a, r) => a + r, 0) / w.length / (l.reduce((a, r) => a - r, 0) / l.length);
  return { wins: w.length, losses: l.length, f: p - (1 - p) / b };
}

// Rounding slack for sums of doubles (a cap is checked as open + qty × entry ≤ 40 % × equity).
const EPS = 1e-9;

describe('half-Kelly properties', () => {
  it('never sizes up a non-positive edge: f ≤ 0 ⇒ qty 0 (and a demotion check)', () => {
    // Losses at least as large and as frequent as the wins: f ≤ 0 by construction, ≥ 5 of each.
    const badEdge = fc
      .record({
        wins: fc.array(fc.double({ min: 0.01, max: 3, noNaN: true }), { minLength: 5, maxLength: 30 }),
        extraLosses: fc.nat(20),
        lossScale: fc.double({ min: 1, max: 4, noNaN: true }),
        scratches: fc.nat(5),
      })
      .map(({ wins, extraLosses, lossScale, scratches }) => {
        const meanWin = wins.reduce((a, r) => a + r, 0) / wins.length;
        const losses = Array.from({ length: wins.length + extraLosses }, () => -meanWin * lossScale);
        return [...wins, ...losses, ...Array.from({ length: scratches }, () => 0)];
      });
    fc.assert(
      fc.property(badEdge, inputArb, (rs, ctx) => {
        const e = edgeOf(rs);
        expect(e.f! <= 1e-12).toBe(true); // the generator's promise, checked
        const s = sized({ ...ctx, rMultiples: rs });
        expect(s.qty).toBe(0);
        expect(s.riskFraction).toBe(0);
        expect(s.rule).toBe('no_edge');
        expect(s.demotionCheck).toBe(true);
      }),
      { numRuns: 300 },
    );
    // And over arbitrary histories: whenever the recomputed f is ≤ 0 with ≥ 5 of each, qty is 0.
    fc.assert(
      fc.property(inputArb, (ctx) => {
        const e = edgeOf(ctx.rMultiples);
        const s = sized(ctx);
        if (e.f !== null && e.f <= 0 && e.wins >= 5 && e.losses >= 5) expect(s.qty).toBe(0);
        if (e.wins === 0 && e.losses >= 5) expect(s.qty).toBe(0);
        if (s.qty > 0) expect(s.rule === 'no_estimate' || (e.f !== null && e.f > 0)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never breaks a cap', () => {
    fc.assert(
      fc.property(inputArb, (ctx) => {
        const s = sized(ctx);
        const { equity, entry, stop } = ctx;
        const maxPct = ctx.maxPositionPct ?? 10;
        const cost = s.qty * entry;
        const risk = s.qty * (entry - stop);
        expect(Number.isInteger(s.qty) && s.qty >= 0).toBe(true);
        expect(s.riskFraction).toBeLessThanOrEqual(0.01);
        expect(s.riskFraction).toBeGreaterThanOrEqual(0);
        expect(risk).toBeLessThanOrEqual(0.01 * equity * (1 + EPS));
        expect(risk).toBeLessThanOrEqual(s.riskDollars * (1 + EPS));
        expect(cost).toBeLessThanOrEqual((maxPct / 100) * equity * (1 + EPS));
        if (s.qty > 0) {
          expect(ctx.hypothesisOpenValue + cost).toBeLessThanOrEqual(0.4 * equity * (1 + EPS));
          expect(ctx.cashAvailable - cost).toBeGreaterThanOrEqual(0.1 * equity * (1 - EPS));
          expect(ctx.sessionRiskUsed + risk).toBeLessThanOrEqual(0.02 * equity * (1 + EPS));
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('the card numbers recompute: risk$, floor, min over the caps', () => {
    fc.assert(
      fc.property(inputArb, (ctx) => {
        const s = sized(ctx);
        expect(s.riskDollars).toBe(s.riskFraction * ctx.equity);
        expect(s.riskPerShare).toBe(ctx.entry - ctx.stop);
        // kellyQty is the floor: it fits the risk, one more share would not.
        expect(s.kellyQty * s.riskPerShare).toBeLessThanOrEqual(s.riskDollars);
        expect((s.kellyQty + 1) * s.riskPerShare).toBeGreaterThan(s.riskDollars * (1 - EPS));
        expect(s.qty).toBe(Math.min(s.kellyQty, ...s.caps.map((c) => c.maxQty)));
        for (const c of s.caps) {
          expect(c.maxQty * c.perShare).toBeLessThanOrEqual(Math.max(0, c.budget));
          if (c.budget > 0) expect((c.maxQty + 1) * c.perShare).toBeGreaterThan(c.budget * (1 - EPS));
        }
        if (s.boundBy === null) expect(s.qty).toBe(s.kellyQty);
        else expect(s.caps.find((c) => c.cap === s.boundBy)!.maxQty).toBe(s.qty);
      }),
      { numRuns: 500 },
    );
  });

  it('qty never rises when any cap tightens', () => {
    const tighten = fc.record({
      which: fc.constantFrom('position', 'hypothesis', 'cash', 'session'),
      amount: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(inputArb, tighten, (ctx, t) => {
        const base = sized(ctx);
        const e = ctx.equity;
        const tight: KellyInput = { ...ctx };
        if (t.which === 'position') tight.maxPositionPct = Math.max(0.01, (ctx.maxPositionPct ?? 10) * (1 - t.amount));
        if (t.which === 'hypothesis') tight.hypothesisOpenValue = ctx.hypothesisOpenValue + t.amount * 0.4 * e;
        if (t.which === 'cash') tight.cashAvailable = ctx.cashAvailable * (1 - t.amount);
        if (t.which === 'session') tight.sessionRiskUsed = ctx.sessionRiskUsed + t.amount * 0.02 * e;
        expect(sized(tight).qty).toBeLessThanOrEqual(base.qty);
      }),
      { numRuns: 1_000 },
    );
  });
});

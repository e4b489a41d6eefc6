import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalString } from '../../../../src/engine/hypotheses/canonical.js';
import type { MarketId } from '../../../../src/engine/hypotheses/definition.js';
import { FAMILY_GRID_SPECS } from '../../../../src/engine/hypotheses/family-grids.js';
import { proposeHypotheses } from '../../../../src/engine/hypotheses/generator.js';
import { buildDefinition } from '../../../../src/engine/hypotheses/grid.js';
import { STATE_CAPS_PER_MARKET } from '../../../../src/engine/hypotheses/states.js';
import { FAMILY_IDS } from '../../../../src/engine/patterns/registry.js';
import type { FamilyId } from '../../../../src/engine/patterns/types.js';

type Existing = { family: FamilyId; canonical: string }[];

/** Every candidate canonical of a family on a market, in spec order. */
const candidates = (f: FamilyId, market: MarketId = 'US') =>
  FAMILY_GRID_SPECS[f].centres.map((c) => canonicalString(buildDefinition(f, market, c)));

/** Fake existing hypotheses of a family that collide with no candidate (they only count). */
const fillers = (f: FamilyId, n: number): Existing => Array.from({ length: n }, (_, i) => ({ family: f, canonical: `other:${f}:${i}` }));

/** Runs the generator session after session, storing what it proposes, until `total` proposals or it stops. */
function sessions(total: number, families?: readonly FamilyId[]) {
  const existing: Existing = [];
  const order: FamilyId[] = [];
  while (order.length < total) {
    const r = proposeHypotheses({ market: 'US', existing, incubating: 0, families, max: Math.min(10, total - order.length) });
    if (r.proposals.length === 0) break;
    for (let i = 0; i < r.proposals.length; i++) {
      existing.push({ family: r.proposals[i]!.family, canonical: r.canonicals[i]! });
      order.push(r.proposals[i]!.family);
    }
  }
  return { existing, order };
}

describe('proposeHypotheses', () => {
  it('proposes 10 from empty, returns their canonical strings and waits for nothing', () => {
    const r = proposeHypotheses({ market: 'US', existing: [], incubating: 0 });
    expect(r.proposals).toHaveLength(10);
    expect(r.canonicals).toEqual(r.proposals.map(canonicalString));
    expect(r.waiting).toBeNull();
    for (const p of r.proposals) expect(p.market).toBe('US');
  });

  it('starts with the first candidate centre of each family, in registry order', () => {
    const r = proposeHypotheses({ market: 'US', existing: [], incubating: 0 });
    expect(r.proposals.map((p) => p.family)).toEqual(FAMILY_IDS.slice(0, 10));
    for (const p of r.proposals) expect(p.centre).toEqual(FAMILY_GRID_SPECS[p.family].centres[0]);
  });

  it('after 2 × F proposals from empty every family has at least one (in fact two)', () => {
    const F = FAMILY_IDS.length;
    const { order } = sessions(2 * F);
    expect(order).toHaveLength(2 * F);
    for (const f of FAMILY_IDS) expect(order.filter((x) => x === f).length).toBe(2);
  });

  it('balances a worked example: counts 2, 0, 1 give down_closes, down_closes, rsi_oversold, momentum, down_closes', () => {
    const existing = [...fillers('momentum', 2), ...fillers('rsi_oversold', 1), ...fillers('ibs_low', 9)];
    const r = proposeHypotheses({ market: 'US', existing, incubating: 0, families: ['momentum', 'down_closes', 'rsi_oversold'], max: 5 });
    expect(r.proposals.map((p) => p.family)).toEqual(['down_closes', 'down_closes', 'rsi_oversold', 'momentum', 'down_closes']);
    // Each family walks its own candidates in spec order.
    expect(r.proposals.filter((p) => p.family === 'down_closes').map((p) => p.centre)).toEqual(FAMILY_GRID_SPECS.down_closes.centres.slice(0, 3));
  });

  it('picks the family with the fewest hypotheses, ties by the order of `families`', () => {
    const family = fc.constantFrom(...FAMILY_IDS);
    fc.assert(
      fc.property(
        fc.uniqueArray(family, { minLength: 1, maxLength: FAMILY_IDS.length }),
        fc.array(fc.tuple(family, fc.integer({ min: 0, max: 6 }))),
        fc.integer({ min: 0, max: 10 }),
        (families, counts, max) => {
          const existing = counts.flatMap(([f, n], i) => fillers(f, n).map((e) => ({ ...e, canonical: `${e.canonical}:${i}` })));
          const r = proposeHypotheses({ market: 'US', existing, incubating: 0, families, max });
          // Oracle: fillers never collide with a candidate, so a family runs out exactly after its centres.
          const count = new Map(families.map((f) => [f, existing.filter((e) => e.family === f).length]));
          const left = new Map(families.map((f) => [f, FAMILY_GRID_SPECS[f].centres.length]));
          const expected: FamilyId[] = [];
          while (expected.length < max) {
            const active = families.filter((f) => left.get(f)! > 0);
            if (active.length === 0) break;
            let best = active[0]!;
            for (const f of active) if (count.get(f)! < count.get(best)!) best = f;
            expected.push(best);
            count.set(best, count.get(best)! + 1);
            left.set(best, left.get(best)! - 1);
          }
          expect(r.proposals.map((p) => p.family)).toEqual(expected);
        },
      ),
    );
  });

  it('takes the next candidate centre when the first exists already, and never proposes an existing one', () => {
    const [first, second] = candidates('momentum');
    const r = proposeHypotheses({ market: 'US', existing: [{ family: 'momentum', canonical: first! }], incubating: 0, families: ['momentum'], max: 1 });
    expect(r.canonicals).toEqual([second]);
    expect(r.proposals[0]!.centre).toEqual(FAMILY_GRID_SPECS.momentum.centres[1]);
  });

  it('drops a family with no new candidate and keeps proposing the others', () => {
    const existing: Existing = candidates('momentum').map((canonical) => ({ family: 'momentum', canonical }));
    const r = proposeHypotheses({ market: 'US', existing, incubating: 0, families: ['momentum', 'ibs_low'], max: 10 });
    expect(r.proposals.map((p) => p.family)).toEqual(Array(FAMILY_GRID_SPECS.ibs_low.centres.length).fill('ibs_low'));
    expect(r.waiting).toBeNull();
  });

  it('waits with no_new_candidates when every candidate exists already', () => {
    const families: FamilyId[] = ['nr_breakout', 'turn_of_month'];
    const existing: Existing = families.flatMap((f) => candidates(f).map((canonical) => ({ family: f, canonical })));
    const r = proposeHypotheses({ market: 'US', existing, incubating: 0, families });
    expect(r).toEqual({ proposals: [], canonicals: [], waiting: { reason: 'no_new_candidates' } });
  });

  it('counts another market’s hypotheses as other hypotheses: a KR candidate is not a US duplicate', () => {
    const krFirst = candidates('momentum', 'KR')[0]!;
    const r = proposeHypotheses({ market: 'US', existing: [{ family: 'momentum', canonical: krFirst }], incubating: 0, families: ['momentum'], max: 1 });
    expect(r.canonicals).toEqual([candidates('momentum', 'US')[0]]);
  });

  it('waits with the cap and the count when INCUBATING is full', () => {
    const cap = STATE_CAPS_PER_MARKET.INCUBATING;
    for (const incubating of [cap, cap + 3]) {
      const r = proposeHypotheses({ market: 'US', existing: [], incubating });
      expect(r).toEqual({ proposals: [], canonicals: [], waiting: { reason: 'incubating_cap_full', cap, count: incubating } });
    }
  });

  it('never proposes more than 10, `max` or the room under the cap, and never a duplicate', () => {
    const cap = STATE_CAPS_PER_MARKET.INCUBATING;
    const all = FAMILY_IDS.flatMap((f) => candidates(f).map((canonical) => ({ family: f, canonical })));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cap + 2 }),
        fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
        fc.subarray(all),
        (incubating, max, existing) => {
          const r = proposeHypotheses({ market: 'US', existing, incubating, max });
          const room = Math.min(10, max ?? 10, Math.max(0, cap - incubating));
          expect(r.proposals.length).toBeLessThanOrEqual(room);
          expect(r.canonicals).toEqual(r.proposals.map(canonicalString));
          expect(new Set(r.canonicals).size).toBe(r.canonicals.length);
          const known = new Set(existing.map((e) => e.canonical));
          for (const c of r.canonicals) expect(known.has(c)).toBe(false);
          // It fills the room whenever candidates are left.
          const left = all.filter((e) => !known.has(e.canonical)).length;
          expect(r.proposals.length).toBe(Math.min(room, left));
          if (cap - incubating <= 0) expect(r.waiting).toEqual({ reason: 'incubating_cap_full', cap, count: incubating });
          else if (room > 0 && left === 0) expect(r.waiting).toEqual({ reason: 'no_new_candidates' });
          else expect(r.waiting).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is deterministic: same input, same output', () => {
    const input = { market: 'KR' as const, existing: fillers('ma_cross', 2), incubating: 45, families: ['ma_cross', 'ibs_low', 'momentum'] as FamilyId[] };
    expect(proposeHypotheses(input)).toEqual(proposeHypotheses(structuredClone(input)));
    expect(proposeHypotheses(input).proposals).toHaveLength(5);
  });

  it('refuses an unknown family and a negative or fractional max', () => {
    expect(() => proposeHypotheses({ market: 'US', existing: [], incubating: 0, families: ['astrology' as FamilyId] })).toThrow(RangeError);
    expect(() => proposeHypotheses({ market: 'US', existing: [], incubating: 0, max: -1 })).toThrow(RangeError);
    expect(() => proposeHypotheses({ market: 'US', existing: [], incubating: 0, max: 2.5 })).toThrow(RangeError);
  });
});

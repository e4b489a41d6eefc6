import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalString } from '../../../../src/engine/hypotheses/canonical.js';
import type { HypothesisDefinition } from '../../../../src/engine/hypotheses/definition.js';
import { FAMILY_GRID_SPECS, type FamilyGridSpec } from '../../../../src/engine/hypotheses/family-grids.js';
import { axisValues, buildDefinition, gridPoints, MAX_GRID_POINTS } from '../../../../src/engine/hypotheses/grid.js';
import { FAMILY_IDS, familyById } from '../../../../src/engine/patterns/registry.js';
import type { FamilyId } from '../../../../src/engine/patterns/types.js';

const momentum: HypothesisDefinition = {
  family: 'momentum',
  market: 'US',
  centre: { lookback: 20, minChangePct: 10 },
  grid: {},
  exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 20, targetAtr: 4 },
};

describe('gridPoints', () => {
  it('is the centre alone without axes', () => {
    expect(gridPoints(momentum)).toEqual([{ lookback: 20, minChangePct: 10 }]);
  });

  it('is the product of the axes in name order, values ascending and deduplicated, over the centre', () => {
    const points = gridPoints({
      ...momentum,
      centre: { minChangePct: 10, lookback: 20 },
      grid: { minChangePct: ['12', '8.0', '8'], lookback: ['25', '15'] },
    });
    expect(points).toEqual([
      { lookback: 15, minChangePct: 8 },
      { lookback: 15, minChangePct: 12 },
      { lookback: 25, minChangePct: 8 },
      { lookback: 25, minChangePct: 12 },
    ]);
  });

  it(`allows exactly ${MAX_GRID_POINTS} points and refuses ${MAX_GRID_POINTS + 1} with the fix`, () => {
    const three = ['10', '20', '30'];
    const four = ['5', '6', '7', '8'];
    expect(gridPoints({ ...momentum, grid: { lookback: three, minChangePct: four } })).toHaveLength(12);
    const thirteen = Array.from({ length: 13 }, (_, i) => String(i + 1));
    expect(() => gridPoints({ ...momentum, grid: { lookback: thirteen } })).toThrow(RangeError);
    expect(() => gridPoints({ ...momentum, grid: { lookback: thirteen } })).toThrow(/13 points.*at most 12.*drop values or an axis/);
    expect(() => gridPoints({ ...momentum, grid: { lookback: four, minChangePct: four } })).toThrow(/16 points/);
  });

  it('refuses an axis the family does not have, naming the valid ones', () => {
    const def = { ...momentum, grid: { period: ['10', '20'] } };
    expect(() => gridPoints(def)).toThrow(RangeError);
    expect(() => gridPoints(def)).toThrow(/'period' is not a momentum parameter; use one of: lookback, minChangePct/);
  });

  it('refuses a value the family rejects, naming the point', () => {
    const def = { ...momentum, grid: { minChangePct: ['0', '5'] } };
    expect(() => gridPoints(def)).toThrow(RangeError);
    expect(() => gridPoints(def)).toThrow(/minChangePct=0/);
    expect(() => gridPoints({ ...momentum, grid: { lookback: ['10.5'] } })).toThrow(RangeError);
  });

  it('refuses a combination the family rejects even when each value is fine alone', () => {
    const def: HypothesisDefinition = {
      ...momentum,
      family: 'ma_cross',
      centre: { fastPeriod: 20, slowPeriod: 100 },
      grid: { fastPeriod: ['20', '60'], slowPeriod: ['50', '100'] },
    };
    expect(() => gridPoints(def)).toThrow(/fastPeriod=60, slowPeriod=50/);
  });

  it('refuses an invalid centre, an unknown family and a malformed value', () => {
    expect(() => gridPoints({ ...momentum, centre: { lookback: 20 } })).toThrow(/centre is invalid/);
    expect(() => gridPoints({ ...momentum, family: 'astrology' as FamilyId })).toThrow(RangeError);
    expect(() => gridPoints({ ...momentum, grid: { lookback: ['2e1'] } })).toThrow(RangeError);
  });
});

/** The families both specified and registered: every one of them must expand cleanly. */
const registered = FAMILY_IDS.filter((f) => Object.hasOwn(FAMILY_GRID_SPECS, f));

describe('FAMILY_GRID_SPECS', () => {
  it('has a spec for every registered family and for the four families being added', () => {
    for (const f of FAMILY_IDS) expect(FAMILY_GRID_SPECS).toHaveProperty(f);
    for (const f of ['bollinger_squeeze', 'gap_down_reversal', 'donchian', 'turtle_soup']) expect(FAMILY_GRID_SPECS).toHaveProperty(f);
    expect(Object.keys(FAMILY_GRID_SPECS)).toHaveLength(13);
  });

  it.each(Object.entries(FAMILY_GRID_SPECS) as [string, FamilyGridSpec][])(
    '%s: at most 2 axes, at most 12 points, at least 4 distinct complete centres, sane exits',
    (_id, spec) => {
      expect(spec.axes.length).toBeGreaterThanOrEqual(1);
      expect(spec.axes.length).toBeLessThanOrEqual(2);
      expect(spec.axes.reduce((n, a) => n * a.points, 1)).toBeLessThanOrEqual(MAX_GRID_POINTS);
      expect(new Set(spec.axes.map((a) => a.param)).size).toBe(spec.axes.length);
      expect(spec.centres.length).toBeGreaterThanOrEqual(4);
      const keys = Object.keys(spec.centres[0]!).sort();
      for (const c of spec.centres) {
        expect(Object.keys(c).sort()).toEqual(keys);
        for (const a of spec.axes) expect(typeof c[a.param]).toBe('number');
      }
      expect(new Set(spec.centres.map((c) => JSON.stringify(Object.entries(c).sort()))).size).toBe(spec.centres.length);
      expect(spec.exits.stopAtr).toBeGreaterThan(0);
      expect(Number.isInteger(spec.exits.timeStopBars) && spec.exits.timeStopBars >= 1).toBe(true);
      expect(Number.isInteger(spec.exits.atrPeriod) && spec.exits.atrPeriod >= 1).toBe(true);
      if (spec.exits.targetAtr !== null) expect(spec.exits.targetAtr).toBeGreaterThan(spec.exits.stopAtr);
    },
  );

  it("starts every registered family's candidates at the family defaults", () => {
    for (const f of registered) {
      const d = familyById(f).defaults as Record<string, unknown>;
      expect(FAMILY_GRID_SPECS[f].centres[0]).toEqual(d);
    }
  });

  describe.each(registered)('%s', (f) => {
    const spec = FAMILY_GRID_SPECS[f];
    const family = familyById(f);
    it.each(spec.centres.map((c, i) => [i, c] as const))('centre %i expands to a full, valid grid around it', (_i, centre) => {
      expect(() => family.validateParams(centre)).not.toThrow();
      const def = buildDefinition(f, 'US', centre);
      expect(def).toMatchObject({ family: f, market: 'US', centre, exits: spec.exits });
      expect(Object.keys(def.grid).sort()).toEqual(spec.axes.map((a) => a.param).sort());
      for (const a of spec.axes) {
        const values = def.grid[a.param]!.map(Number);
        expect(values).toHaveLength(a.points);
        expect(values).toContain(centre[a.param]);
        for (let i = 1; i < values.length; i++) expect(values[i]! - values[i - 1]!).toBeCloseTo(a.step, 9);
        if (Number.isInteger(centre[a.param]) && Number.isInteger(a.step)) for (const v of values) expect(Number.isInteger(v)).toBe(true);
      }
      const points = gridPoints(def);
      expect(points).toHaveLength(spec.axes.reduce((n, a) => n * a.points, 1));
      expect(points.length).toBeLessThanOrEqual(MAX_GRID_POINTS);
      for (const p of points) expect(() => family.validateParams(p)).not.toThrow();
      expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(points.length);
    });

    it('gives each centre its own identity', () => {
      const canon = spec.centres.map((c) => canonicalString(buildDefinition(f, 'US', c)));
      expect(new Set(canon).size).toBe(canon.length);
    });
  });
});

describe('axisValues', () => {
  const tom = familyById('turn_of_month');
  const axis = { param: 'tradingDay', step: 1, points: 3 } as const;

  it('is one step either side for 3 points and adds centre + 2 steps for 4', () => {
    expect(axisValues(tom, { tradingDay: 5 }, axis)).toEqual([4, 5, 6]);
    expect(axisValues(tom, { tradingDay: 5 }, { ...axis, points: 4 })).toEqual([4, 5, 6, 7]);
  });

  it('shifts inward at the edges of the valid range instead of shrinking', () => {
    expect(axisValues(tom, { tradingDay: 1 }, axis)).toEqual([1, 2, 3]);
    expect(axisValues(tom, { tradingDay: 10 }, axis)).toEqual([8, 9, 10]);
    expect(axisValues(tom, { tradingDay: 10 }, { ...axis, points: 4 })).toEqual([7, 8, 9, 10]);
  });

  it('keeps decimal steps exact (no 0.25000000000000006)', () => {
    const ibs = familyById('ibs_low');
    expect(axisValues(ibs, { maxIbs: 0.2, smaPeriod: 200 }, { param: 'maxIbs', step: 0.05, points: 4 })).toEqual([0.15, 0.2, 0.25, 0.3]);
    expect(axisValues(ibs, { maxIbs: 0.1, smaPeriod: null }, { param: 'maxIbs', step: 0.1, points: 3 })).toEqual([0.1, 0.2, 0.3]);
  });

  it('refuses a non-numeric centre value and a non-positive step', () => {
    const ibs = familyById('ibs_low');
    expect(() => axisValues(ibs, { maxIbs: 0.2, smaPeriod: null }, { param: 'smaPeriod', step: 50, points: 3 })).toThrow(/numeric centre/);
    expect(() => axisValues(tom, { tradingDay: 5 }, { ...axis, step: 0 })).toThrow(/step > 0/);
  });

  it('has `points` integer values ≥ 1, one step apart, around any integer centre of a ≥ 1 parameter', () => {
    const mom = familyById('momentum');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 60 }), fc.constantFrom<3 | 4>(3, 4), (c, step, points) => {
        const values = axisValues(mom, { lookback: c, minChangePct: 10 }, { param: 'lookback', step, points });
        expect(values).toHaveLength(points);
        expect(values).toContain(c);
        for (const v of values) expect(Number.isInteger(v) && v >= 1).toBe(true);
        for (let i = 1; i < values.length; i++) expect(values[i]! - values[i - 1]!).toBe(step);
        // Inward shift only when the symmetric window would leave the range.
        if (c - step >= 1) expect(values[0]).toBe(c - step);
      }),
    );
  });
});

describe('buildDefinition', () => {
  it('uses a given spec and copies its exits', () => {
    const spec: FamilyGridSpec = {
      axes: [{ param: 'minChangePct', step: 2.5, points: 3 }],
      centres: [{ lookback: 20, minChangePct: 10 }],
      exits: { atrPeriod: 10, stopAtr: 3, timeStopBars: 7, targetAtr: null },
    };
    expect(buildDefinition('momentum', 'KR', { lookback: 20, minChangePct: 10 }, spec)).toEqual({
      family: 'momentum',
      market: 'KR',
      centre: { lookback: 20, minChangePct: 10 },
      grid: { minChangePct: ['7.5', '10', '12.5'] },
      exits: { atrPeriod: 10, stopAtr: 3, timeStopBars: 7, targetAtr: null },
    });
  });

  it('refuses an invalid centre and a spec whose grid is too large or invalid', () => {
    expect(() => buildDefinition('momentum', 'US', { lookback: 0, minChangePct: 10 })).toThrow(/centre is invalid/);
    const tooBig: FamilyGridSpec = {
      axes: [
        { param: 'lookback', step: 1, points: 4 },
        { param: 'minChangePct', step: 1, points: 4 },
      ],
      centres: [],
      exits: momentum.exits,
    };
    expect(() => buildDefinition('momentum', 'US', { lookback: 20, minChangePct: 10 }, tooBig)).toThrow(/16 points/);
    const crossing: FamilyGridSpec = {
      axes: [
        { param: 'fastPeriod', step: 40, points: 3 },
        { param: 'slowPeriod', step: 40, points: 3 },
      ],
      centres: [],
      exits: momentum.exits,
    };
    expect(() => buildDefinition('ma_cross', 'US', { fastPeriod: 50, slowPeriod: 100 }, crossing)).toThrow(RangeError);
  });
});

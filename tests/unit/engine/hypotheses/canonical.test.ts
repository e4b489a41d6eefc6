import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalDecimal, canonicalString, parseDecimal } from '../../../../src/engine/hypotheses/canonical.js';
import type { HypothesisDefinition } from '../../../../src/engine/hypotheses/definition.js';
import type { FamilyId } from '../../../../src/engine/patterns/types.js';

describe('canonicalDecimal', () => {
  it.each<[number, string]>([
    [2, '2'],
    [2.0, '2'],
    [0.1, '0.1'],
    [-0, '0'],
    [0, '0'],
    [-2.5, '-2.5'],
    [1e-7, '0.0000001'],
    [1.5e-7, '0.00000015'],
    [-1.25e-8, '-0.0000000125'],
    [1e21, '1000000000000000000000'],
    [1.5e22, '15000000000000000000000'],
    [123456.789, '123456.789'],
  ])('%s → %s', (n, s) => {
    expect(canonicalDecimal(n)).toBe(s);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('throws a RangeError for %s', (n) => {
    expect(() => canonicalDecimal(n)).toThrow(RangeError);
  });

  it('is plain (no exponent), round-trips exactly and has no trailing zeros', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const s = canonicalDecimal(n);
        expect(s).toMatch(/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/);
        expect(s).not.toBe('-0');
        expect(Number(s)).toBe(n === 0 ? 0 : n);
        expect(parseDecimal(s)).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});

describe('parseDecimal', () => {
  it.each<[string, number]>([
    ['2', 2],
    ['2.0', 2],
    ['2.00', 2],
    ['0.1', 0.1],
    ['-3.25', -3.25],
    ['0.0000001', 1e-7],
  ])('%s → %s', (s, n) => {
    expect(parseDecimal(s)).toBe(n);
  });

  it.each(['', ' 2', '2 ', '+2', '1e-7', '2e3', '.5', '5.', '02', '-0', '-0.0', 'NaN', 'Infinity', '0x10', '1_000', '1,5', 'abc', '--1'])(
    'rejects %j with a RangeError',
    (s) => {
      expect(() => parseDecimal(s)).toThrow(RangeError);
    },
  );

  it('rejects a decimal too large to be a finite number', () => {
    expect(() => parseDecimal('9'.repeat(400))).toThrow(RangeError);
  });
});

const base: HypothesisDefinition = {
  family: 'momentum',
  market: 'US',
  centre: { lookback: 20, minChangePct: 10 },
  grid: { lookback: ['15', '20', '25'], minChangePct: ['8', '10', '12'] },
  exits: { atrPeriod: 14, stopAtr: 2, timeStopBars: 20, targetAtr: 4 },
};

describe('canonicalString', () => {
  it('writes 2, "2.0" and "2.00" alike and ignores key order, grid value order and repeats', () => {
    const a: HypothesisDefinition = { ...base, grid: { minChangePct: ['2', '3.5'] } };
    const b: HypothesisDefinition = {
      exits: { targetAtr: 4, timeStopBars: 20, stopAtr: 2.0, atrPeriod: 14 },
      grid: { minChangePct: ['3.50', '2.00', '2.0'] },
      centre: { minChangePct: 10, lookback: 20 },
      market: 'US',
      family: 'momentum',
    };
    expect(canonicalString(b)).toBe(canonicalString(a));
  });

  it('sorts an axis numerically, not as text', () => {
    const a = canonicalString({ ...base, grid: { lookback: ['9', '10', '100'] } });
    const b = canonicalString({ ...base, grid: { lookback: ['100', '10', '9'] } });
    expect(a).toBe(b);
    expect(a.indexOf('"9"')).toBeLessThan(a.indexOf('"10"'));
    expect(a.indexOf('"10"')).toBeLessThan(a.indexOf('"100"'));
  });

  it('differs when anything that makes the hypothesis differs', () => {
    const s = canonicalString(base);
    const variants: HypothesisDefinition[] = [
      { ...base, family: 'down_closes' },
      { ...base, market: 'KR' },
      { ...base, centre: { ...base.centre, lookback: 21 } },
      { ...base, grid: { ...base.grid, lookback: ['15', '20'] } },
      { ...base, grid: { lookback: ['15', '20', '25'] } },
      { ...base, exits: { ...base.exits, targetAtr: null } },
      { ...base, exits: { ...base.exits, stopAtr: 2.5 } },
      { ...base, exits: { ...base.exits, atrPeriod: 20 } },
      { ...base, exits: { ...base.exits, timeStopBars: 5 } },
    ];
    for (const v of variants) expect(canonicalString(v)).not.toBe(s);
  });

  it('tells null, false, true and 0 apart in the centre', () => {
    const strings = [null, false, true, 0].map((v) =>
      canonicalString({ ...base, family: 'ibs_low', centre: { maxIbs: 0.2, smaPeriod: v } }),
    );
    expect(new Set(strings).size).toBe(4);
  });

  it('is deterministic text that names every part', () => {
    const s = canonicalString(base);
    expect(canonicalString(structuredClone(base))).toBe(s);
    for (const part of ['momentum', 'US', 'lookback', 'minChangePct', 'atrPeriod', 'stopAtr', 'timeStopBars', 'targetAtr']) {
      expect(s).toContain(part);
    }
  });

  it.each<[string, HypothesisDefinition]>([
    ['a grid value in exponent form', { ...base, grid: { lookback: ['1e1'] } }],
    ['a grid value that is not a number', { ...base, grid: { lookback: ['ten'] } }],
    ['an empty axis', { ...base, grid: { lookback: [] } }],
    ['a non-finite centre value', { ...base, centre: { lookback: Number.NaN, minChangePct: 10 } }],
    ['a non-finite exit', { ...base, exits: { ...base.exits, stopAtr: Number.POSITIVE_INFINITY } }],
  ])('throws a RangeError for %s', (_name, def) => {
    expect(() => canonicalString(def)).toThrow(RangeError);
  });

  // The oracle normalises independently: Number() for grid text, a Set for repeats,
  // numeric sort, and deep equality (which ignores key order).
  function normalised(def: HypothesisDefinition): unknown {
    const grid: Record<string, number[]> = {};
    for (const [axis, values] of Object.entries(def.grid)) {
      grid[axis] = [...new Set(values.map(Number))].sort((x, y) => x - y);
    }
    const { atrPeriod, stopAtr, timeStopBars, targetAtr } = def.exits;
    return { family: def.family, market: def.market, centre: { ...def.centre }, grid, exits: { atrPeriod, stopAtr, timeStopBars, targetAtr } };
  }

  // Small pools so that equal definitions come up often.
  const keys = ['a', 'b', 'c'] as const;
  const decimalText = fc
    .constantFrom(0.5, 1, 2, 10, 0.25)
    .chain((n) => fc.constantFrom(String(n), `${String(n)}${Number.isInteger(n) ? '.' : ''}0`, `${String(n)}${Number.isInteger(n) ? '.00' : '00'}`));
  const centreValue = fc.constantFrom<number | boolean | null>(1, 2, 0.5, true, false, null);
  const shuffledRecord = <T>(entries: fc.Arbitrary<[string, T][]>) =>
    entries.chain((es) => fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length })).map((es) => Object.fromEntries(es));
  const definition: fc.Arbitrary<HypothesisDefinition> = fc.record({
    family: fc.constantFrom<FamilyId>('momentum', 'ibs_low'),
    market: fc.constantFrom<'US' | 'KR'>('US', 'KR'),
    centre: shuffledRecord(fc.uniqueArray(fc.tuple(fc.constantFrom(...keys), centreValue), { selector: (e) => e[0], maxLength: 3 })),
    grid: shuffledRecord(
      fc.uniqueArray(fc.tuple(fc.constantFrom(...keys), fc.array(decimalText, { minLength: 1, maxLength: 3 })), {
        selector: (e) => e[0],
        maxLength: 2,
      }),
    ),
    exits: fc.record({
      atrPeriod: fc.constant(14),
      stopAtr: fc.constantFrom(2, 2.5),
      timeStopBars: fc.constantFrom(5, 20),
      targetAtr: fc.constantFrom<number | null>(null, 4),
    }),
  });

  /** The same hypothesis written differently: axes and centre keys reordered, values reversed and re-spelled. */
  function respelled(a: HypothesisDefinition): HypothesisDefinition {
    return {
      ...a,
      grid: Object.fromEntries(
        Object.entries(a.grid)
          .reverse()
          .map(([k, vs]) => [k, [...vs].reverse().map((v) => (v.includes('.') ? `${v}0` : `${v}.0`))]),
      ),
      centre: Object.fromEntries(Object.entries(a.centre).reverse()),
    };
  }

  // b is an independent definition, a re-spelled copy of a, or a copy with one small change,
  // so the property sees many equal pairs and many near misses.
  const pair = definition.chain((a) =>
    fc.tuple(
      fc.constant(a),
      fc.oneof(
        definition,
        fc.constant(respelled(a)),
        fc.constantFrom<HypothesisDefinition>(
          { ...a, exits: { ...a.exits, targetAtr: a.exits.targetAtr === null ? 4 : null } },
          { ...a, centre: { ...a.centre, a: a.centre.a === 1 ? 2 : 1 } },
          { ...a, grid: { ...a.grid, c: [...(a.grid.c ?? []), '10.0'] } },
          { ...a, grid: { ...a.grid, b: [...(a.grid.b ?? ['1']), '1.00'] } },
        ),
      ),
    ),
  );

  it('is equal exactly when the normalised definitions are deep-equal', () => {
    let equalPairs = 0;
    let unequalPairs = 0;
    fc.assert(
      fc.property(pair, ([a, b]) => {
        const same = isDeepStrictEqual(normalised(a), normalised(b));
        if (same) equalPairs++;
        else unequalPairs++;
        expect(canonicalString(a) === canonicalString(b)).toBe(same);
      }),
      { numRuns: 1000 },
    );
    // The property must see both outcomes, not only one.
    expect(equalPairs).toBeGreaterThan(50);
    expect(unequalPairs).toBeGreaterThan(50);
  });
});

import type { z } from 'zod';
import type { BarSeries } from '../bars.js';
import { IndicatorCache } from '../indicators/cache.js';
import { describeParams, type ParamSchema, parseParamPairs, validateParams } from '../strategies/params.js';
import type { FamilyId, PatternFamily } from './types.js';

/**
 * What a family module supplies: its columns (`prepare`), the predicate at one
 * bar (`hit`) and the figures at a qualifying bar (`figures`). `defineFamily`
 * turns it into a {@link PatternFamily} whose two evaluation paths share the
 * predicate, so they cannot disagree.
 */
export interface FamilySpec<S extends ParamSchema, C, W extends object> {
  readonly id: FamilyId;
  readonly title: string;
  readonly summary: string;
  readonly schema: S;
  /** Frozen defaults (Readonly is dropped here only because TS cannot relate Readonly<T> to T for a generic T). */
  readonly defaults: z.output<S>;
  firstValidIndex(p: z.output<S>): number;
  /** Builds (or borrows from the cache) every column the predicate reads. */
  prepare(series: BarSeries, p: z.output<S>, cache: IndicatorCache): C;
  /** True when bar t (>= firstValidIndex) qualifies. Reads only indices <= t. */
  hit(c: C, t: number): boolean;
  /** The figures behind a qualifying bar t. */
  figures(c: C, t: number): W;
}

/** Builds a {@link PatternFamily} from a {@link FamilySpec}. */
export function defineFamily<S extends ParamSchema, C, W extends object>(
  spec: FamilySpec<S, C, W>,
): PatternFamily<z.output<S>, W> {
  type P = z.output<S>;
  const { id, schema, defaults } = spec;
  const validate = (candidate: unknown): P => validateParams(id, schema, defaults, candidate);
  return {
    id,
    title: spec.title,
    summary: spec.summary,
    defaults,
    paramHelp: describeParams(schema, defaults),
    validateParams: validate,
    resolveParams: (overrides = {}) => validate({ ...defaults, ...overrides }),
    parseParams: (pairs) => parseParamPairs(id, schema, defaults, pairs),
    signalIndices(series, p = defaults, cache = new IndicatorCache(series)) {
      const c = spec.prepare(series, p, cache);
      const len = series.close.length;
      // Plain allocation (not the shared scratch): prepare may have borrowed it.
      const hits = new Int32Array(len);
      let k = 0;
      for (let t = spec.firstValidIndex(p); t < len; t++) if (spec.hit(c, t)) hits[k++] = t;
      return hits.slice(0, k);
    },
    why(series, t, p = defaults, cache = new IndicatorCache(series)) {
      if (!Number.isInteger(t) || t < spec.firstValidIndex(p) || t >= series.close.length) return null;
      const c = spec.prepare(series, p, cache);
      return spec.hit(c, t) ? spec.figures(c, t) : null;
    },
    firstValidIndex: (p = defaults) => spec.firstValidIndex(p),
  };
}

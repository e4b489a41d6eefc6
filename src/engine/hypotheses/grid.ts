/**
 * A hypothesis's grid: expanding it into parameter sets (validated by the
 * family) and building a definition from a family's grid spec and a centre.
 */
import { familyById, type AnyPatternFamily } from '../patterns/registry.js';
import type { FamilyId } from '../patterns/types.js';
import { canonicalDecimal, normaliseAxis } from './canonical.js';
import type { HypothesisDefinition, MarketId } from './definition.js';
import { FAMILY_GRID_SPECS, type FamilyGridSpec, type GridAxisSpec } from './family-grids.js';

/** At most this many parameter sets per hypothesis: each one is a walk-forward candidate, and more invite overfitting. */
export const MAX_GRID_POINTS = 12;

type Centre = Readonly<Record<string, number | boolean | null>>;

function sortedKeys(o: object): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The family's validated params, or a RangeError naming what was checked and how to fix it. */
function validated(family: AnyPatternFamily, params: object, what: string): object {
  try {
    return family.validateParams(params);
  } catch (err) {
    throw new RangeError(`${family.id} ${what} is invalid: ${(err as Error).message}`);
  }
}

function isValid(family: AnyPatternFamily, params: object): boolean {
  try {
    family.validateParams(params);
    return true;
  } catch {
    return false;
  }
}

function describePoint(point: Readonly<Record<string, unknown>>, axes: readonly string[]): string {
  return axes.map((a) => `${a}=${String(point[a])}`).join(', ');
}

/**
 * Every parameter set of the grid: the Cartesian product of the axes (sorted
 * by name, the first varying slowest; values ascending and deduplicated)
 * applied over the centre, each validated by the family. Without axes the
 * grid is the centre alone. Throws a RangeError saying what to change for an
 * unknown family, an invalid centre, an axis the family does not have, more
 * than {@link MAX_GRID_POINTS} points, or a point the family rejects.
 */
export function gridPoints(def: HypothesisDefinition): object[] {
  const family = familyById(def.family);
  validated(family, def.centre, 'centre');
  const known = Object.keys(family.defaults);
  const names = sortedKeys(def.grid);
  const axes = names.map((axis) => {
    if (!known.includes(axis)) {
      throw new RangeError(`grid axis '${axis}' is not a ${family.id} parameter; use one of: ${known.join(', ')}`);
    }
    return normaliseAxis(axis, def.grid[axis]!);
  });
  const count = axes.reduce((n, values) => n * values.length, 1);
  if (count > MAX_GRID_POINTS) {
    const shape = names.map((a, i) => `${a} ${axes[i]!.length}`).join(' × ');
    throw new RangeError(
      `the ${family.id} grid has ${count} points (${shape}); at most ${MAX_GRID_POINTS} are allowed: drop values or an axis`,
    );
  }
  let points: Record<string, number | boolean | null>[] = [{ ...def.centre }];
  for (let i = 0; i < names.length; i++) {
    const axis = names[i]!;
    points = points.flatMap((p) => axes[i]!.map((v) => ({ ...p, [axis]: v })));
  }
  return points.map((p) =>
    validated(family, p, `grid point (${describePoint(p, names)})`),
  );
}

/** Digits after the decimal point in `n`'s canonical form. */
function decimalsOf(n: number): number {
  const s = canonicalDecimal(n);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

/**
 * One axis's values for a centre: centre + k·step for the `points` values of
 * k nearest 0 (ties: +k first, so 4 points are k = −1, 0, 1, 2) whose
 * parameter set the family accepts, ascending. Near the edge of the valid
 * range the window shifts inward instead of shrinking (tradingDay 1 → 1, 2,
 * 3). Values are rounded to the decimals of the centre and the step, so
 * integer parameters stay integers and 0.2 + 0.05 is 0.25.
 */
export function axisValues(family: AnyPatternFamily, centre: Centre, axis: GridAxisSpec): number[] {
  const c = centre[axis.param];
  if (typeof c !== 'number' || !Number.isFinite(c)) {
    throw new RangeError(
      `grid axis '${axis.param}' needs a numeric centre value, got ${JSON.stringify(c)}; give the centre a number or drop the axis`,
    );
  }
  if (!(axis.step > 0) || !Number.isFinite(axis.step)) {
    throw new RangeError(`grid axis '${axis.param}' has step ${axis.step}; use a finite step > 0`);
  }
  const decimals = Math.max(decimalsOf(c), decimalsOf(axis.step));
  const ks: number[] = [0];
  for (let k = 1; k <= axis.points; k++) ks.push(k, -k);
  const values: number[] = [];
  for (const k of ks) {
    if (values.length === axis.points) break;
    const v = Number((c + k * axis.step).toFixed(decimals));
    if (isValid(family, { ...centre, [axis.param]: v })) values.push(v);
  }
  return values.sort((a, b) => a - b);
}

/**
 * A hypothesis of `family` on `market` around `centre`, its grid built from
 * the spec's axes ({@link axisValues}) as canonical decimal strings and its
 * exits from the spec. Checks the whole grid with {@link gridPoints}, so a
 * returned definition always expands; throws a RangeError saying what to fix
 * otherwise (unknown family, no spec, invalid centre, a grid point the family
 * rejects, too many points).
 */
export function buildDefinition(
  family: FamilyId,
  market: MarketId,
  centre: Centre,
  spec: FamilyGridSpec | undefined = FAMILY_GRID_SPECS[family],
): HypothesisDefinition {
  const fam = familyById(family);
  if (spec === undefined) {
    throw new RangeError(`no grid spec for family '${family}'; add one to FAMILY_GRID_SPECS in src/engine/hypotheses/family-grids.ts`);
  }
  validated(fam, centre, 'centre');
  const grid: Record<string, string[]> = {};
  for (const axis of spec.axes) grid[axis.param] = axisValues(fam, centre, axis).map(canonicalDecimal);
  const def: HypothesisDefinition = { family, market, centre: { ...centre }, grid, exits: { ...spec.exits } };
  gridPoints(def);
  return def;
}

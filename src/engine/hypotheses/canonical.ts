/**
 * The canonical text of a hypothesis definition: two definitions are the
 * same hypothesis exactly when their canonical strings are equal. The
 * trading layer stores the SHA-256 of this string as the identity (the
 * engine has no crypto), so the format must never depend on how a number was
 * written, on key order or on the order of an axis's values.
 */
import type { HypothesisDefinition, HypothesisExits } from './definition.js';

/** A plain decimal as {@link parseDecimal} accepts it: no exponent, no '+', no leading zeros. */
const DECIMAL_RE = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/**
 * The shortest plain decimal that reads back as `n`: no exponent, no
 * trailing zeros, "-0" written "0" (2 and 2.0 → "2", 1e-7 → "0.0000001").
 * Throws a RangeError for NaN and ±Infinity, which have no decimal form.
 */
export function canonicalDecimal(n: number): string {
  if (!Number.isFinite(n)) {
    throw new RangeError(`${String(n)} is not a finite number; grid and parameter values must be finite decimals such as 2 or 0.25`);
  }
  if (n === 0) return '0';
  // String() already gives the shortest round-trip digits; only the exponent form needs expanding.
  const s = String(n);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Position of the decimal point within `digits` after applying the exponent.
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  let plain: string;
  if (point <= 0) plain = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) plain = digits + '0'.repeat(point - digits.length);
  else plain = `${digits.slice(0, point)}.${digits.slice(point)}`;
  // The mantissa's own digits carry no trailing zeros, so only the integer case could grow zeros, and those are significant.
  return negative ? `-${plain}` : plain;
}

/**
 * Reads a plain decimal ("2", "2.0", "-0.25"). Anything else — exponents,
 * a leading '+', '.5', '5.', leading zeros, "-0", whitespace, NaN, Infinity,
 * hex, or a value too large to be finite — is a RangeError saying how to
 * write it.
 */
export function parseDecimal(s: string): number {
  if (!DECIMAL_RE.test(s) || /^-0(\.0+)?$/.test(s)) {
    throw new RangeError(
      `'${s}' is not a plain decimal; write grid values like "2", "0.25" or "-1.5" (no exponent, no '+', no leading zeros, no spaces)`,
    );
  }
  const n = Number(s);
  if (!Number.isFinite(n)) throw new RangeError(`'${s}' is too large to be a finite number; use a smaller grid value`);
  return n;
}

/** A centre value in canonical text: numbers via {@link canonicalDecimal}, booleans and null literally. */
function centreValue(key: string, v: unknown): string {
  if (v === null || v === true || v === false) return String(v);
  if (typeof v === 'number') return canonicalDecimal(v);
  throw new RangeError(`centre value ${key}=${JSON.stringify(v)} must be a number, true, false or null`);
}

/** One axis's values parsed, deduplicated and sorted ascending (numerically, not as text). */
export function normaliseAxis(axis: string, values: readonly string[]): number[] {
  if (values.length === 0) {
    throw new RangeError(`grid axis '${axis}' has no values; give it at least one value or leave the axis out`);
  }
  const parsed = values.map((v) => {
    try {
      return parseDecimal(v);
    } catch (err) {
      throw new RangeError(`grid axis '${axis}': ${(err as Error).message}`);
    }
  });
  return [...new Set(parsed.map((n) => (n === 0 ? 0 : n)))].sort((a, b) => a - b);
}

function sortedKeys(o: object): string[] {
  // Plain code-unit order: locale-independent, so the string is the same on every machine.
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function exitsText(x: Readonly<HypothesisExits>): string {
  const target = x.targetAtr === null ? 'null' : canonicalDecimal(x.targetAtr);
  return `{"atrPeriod":${canonicalDecimal(x.atrPeriod)},"stopAtr":${canonicalDecimal(x.stopAtr)},"targetAtr":${target},"timeStopBars":${canonicalDecimal(x.timeStopBars)}}`;
}

/**
 * The deterministic text of a definition (a JSON object with sorted keys):
 * centre values canonical, grid axes sorted by name with each axis's values
 * normalised by {@link canonicalDecimal}, deduplicated and sorted
 * numerically, and the four exit fields (targetAtr null written literally).
 * Equal for definitions that are the same hypothesis ("2" vs "2.0" vs "2.00"
 * in the grid, any key order), different otherwise. Throws a RangeError for
 * a value that has no canonical form (non-finite, exponent text, empty axis).
 */
export function canonicalString(def: HypothesisDefinition): string {
  const centre = sortedKeys(def.centre)
    .map((k) => `${JSON.stringify(k)}:${centreValue(k, def.centre[k])}`)
    .join(',');
  const grid = sortedKeys(def.grid)
    .map((axis) => {
      const values = normaliseAxis(axis, def.grid[axis]!).map((n) => JSON.stringify(canonicalDecimal(n)));
      return `${JSON.stringify(axis)}:[${values.join(',')}]`;
    })
    .join(',');
  return `{"centre":{${centre}},"exits":${exitsText(def.exits)},"family":${JSON.stringify(def.family)},"grid":{${grid}},"market":${JSON.stringify(def.market)}}`;
}

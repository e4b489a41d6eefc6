import { expect } from 'vitest';

/**
 * Asserts two columns agree: NaN exactly where the other is NaN (same warm-up)
 * and |a - b| <= tol · max(1, |b|) elsewhere. Reports the first mismatch with
 * its index, which beats a 3,000-element diff.
 */
export function expectColumnsClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
  label = 'column',
  from = 0,
): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = from; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    if (Number.isNaN(b) || Number.isNaN(a)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) expect.fail(`${label}[${i}]: got ${a}, expected ${b}`);
      continue;
    }
    if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) {
      expect.fail(`${label}[${i}]: got ${a}, expected ${b} (diff ${Math.abs(a - b)}, tol ${tol})`);
    }
  }
}

/** Asserts bit-identical columns (Object.is per element, so NaN == NaN and 0 !== -0). */
export function expectColumnsIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, label = 'column', upTo?: number): void {
  const end = upTo === undefined ? expected.length : upTo + 1;
  if (upTo === undefined) expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < end; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${label}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

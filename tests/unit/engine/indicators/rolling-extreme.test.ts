import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rollingMaxInto, rollingMinInto } from '../../../../src/engine/indicators/rolling-extreme.js';

/**
 * The rolling max/min kernels switch between a one-compare path and
 * backward-scanned blocks; these shapes force every transition (the extreme
 * expiring on every bar, never expiring, ties everywhere, blocks that end
 * exactly at the series end) and compare with a brute-force window scan.
 */

/** Brute force: extreme of src[t-n+1-lag .. t-lag] and the latest index attaining it. */
function brute(src: Float64Array, n: number, lag: number, max: boolean): { v: number[]; i: number[] } {
  const v: number[] = [];
  const i: number[] = [];
  for (let t = 0; t < src.length; t++) {
    const hi = t - lag;
    const lo = hi - n + 1;
    if (lo < 0) {
      v.push(Number.NaN);
      i.push(-1);
      continue;
    }
    let best = lo;
    for (let j = lo + 1; j <= hi; j++) if (max ? src[j]! >= src[best]! : src[j]! <= src[best]!) best = j;
    v.push(src[best]!);
    i.push(best);
  }
  return { v, i };
}

function check(src: Float64Array, n: number, lag: number): void {
  for (const max of [true, false]) {
    const out = new Float64Array(src.length);
    const idx = new Int32Array(src.length);
    (max ? rollingMaxInto : rollingMinInto)(src, n, lag, out, idx);
    const ref = brute(src, n, lag, max);
    const label = `${max ? 'max' : 'min'} n=${n} lag=${lag} len=${src.length}`;
    expect(Array.from(out), label).toEqual(ref.v);
    expect(Array.from(idx), label).toEqual(ref.i);
    // Without the index column the values are the same.
    const bare = new Float64Array(src.length);
    (max ? rollingMaxInto : rollingMinInto)(src, n, lag, bare, null);
    expect(Array.from(bare), `${label} (no index)`).toEqual(ref.v);
  }
}

const SHAPES: Record<string, (len: number) => number[]> = {
  rising: (len) => Array.from({ length: len }, (_, i) => i),
  falling: (len) => Array.from({ length: len }, (_, i) => len - i),
  flat: (len) => Array.from({ length: len }, () => 7),
  sawtooth: (len) => Array.from({ length: len }, (_, i) => i % 5),
  plateaus: (len) => Array.from({ length: len }, (_, i) => Math.floor(i / 4) % 3),
  zigzag: (len) => Array.from({ length: len }, (_, i) => (i % 2 === 0 ? i : -i)),
};

describe('rolling max/min against a brute-force window scan', () => {
  for (const [name, make] of Object.entries(SHAPES)) {
    it(`${name} series`, () => {
      for (const len of [0, 1, 5, 23, 60, 121]) {
        const src = Float64Array.from(make(len));
        for (const n of [1, 2, 3, 4, 5, 7, 20]) for (const lag of [0, 1, 2]) check(src, n, lag);
      }
    });
  }

  it('random small-integer series (ties everywhere)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 150 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 0, max: 2 }),
        (xs, n, lag) => check(Float64Array.from(xs), n, lag),
      ),
      { numRuns: 200 },
    );
  });
});

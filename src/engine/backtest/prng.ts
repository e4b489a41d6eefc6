/**
 * The project's one seeded PRNG: mulberry32, a tiny, fast 32-bit generator
 * (period 2^32). Not cryptographic; chosen because Monte Carlo, VaR, the
 * drift calibration and the synthetic DEMO bars all need streams that are
 * identical across runs and machines from a seed, which `Math.random` cannot
 * give, and the engine may not touch `Math.random` anyway.
 *
 * Two faces over the same step, so every stream is bit for bit what it was
 * before the two copies were merged (tests/unit/adapters/market-data/prng-checksums.test.ts):
 * - {@link mulberry32}: a bare `() => number` (Monte Carlo, VaR, drift-cusum);
 * - {@link Prng}: the same uniforms plus normals and exponentials (the
 *   synthetic bar generator).
 */

/** One mulberry32 step: the next state from `state` (a signed 32-bit integer). */
function nextState(state: number): number {
  return (state + 0x6d2b79f5) | 0;
}

/** The uniform in [0, 1) that mulberry32 draws from a (stepped) state. */
function output(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * mulberry32 as a function.
 *
 * @param seed any number; it is reduced to an unsigned 32-bit integer
 * @returns a generator of uniform floats in [0, 1)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = nextState(a);
    return output(a);
  };
}

/**
 * mulberry32 with the draws the synthetic data needs: normals by Marsaglia's
 * polar method (which skips Box–Muller's sin/cos) and exponentials.
 * `new Prng(s).next()` gives the same stream as `mulberry32(s)()`.
 */
export class Prng {
  private state: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = nextState(this.state);
    return output(this.state);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * m;
    this.hasSpare = true;
    return u * m;
  }

  /** Exponential with the given mean (for regime durations). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }
}

/**
 * mulberry32: a tiny, fast 32-bit PRNG (period 2^32). Not cryptographic; chosen
 * because Monte Carlo needs reproducible streams from a seed and the engine may
 * not touch Math.random.
 *
 * @param seed any number; it is reduced to an unsigned 32-bit integer
 * @returns a generator of uniform floats in [0, 1)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

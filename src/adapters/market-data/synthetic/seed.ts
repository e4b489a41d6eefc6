/**
 * A stable 32-bit seed for a symbol: FNV-1a over the UTF-16 code units, then
 * a murmur3 finaliser so similar tickers (AAPL, AAPM) get unrelated seeds.
 * `salt` lets a caller draw a different but still reproducible universe.
 */
export function symbolSeed(symbol: string, salt = 0): number {
  let h = 0x811c9dc5 ^ (salt >>> 0);
  for (let i = 0; i < symbol.length; i++) {
    h ^= symbol.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

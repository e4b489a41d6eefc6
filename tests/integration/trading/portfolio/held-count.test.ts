/** heldCount: open positions of one market's book (the read /kill uses to decide whether a KR flatten is worth offering). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { heldCount } from '../../../../src/trading/portfolio/held.js';
import { makeExitsWorld, type ExitsWorld } from '../execution/exits-setup.js';
import { krBook } from '../execution/kr-support.js';

let w: ExitsWorld;

beforeEach(async () => {
  w = await makeExitsWorld();
});

afterEach(async () => {
  await w?.close();
});

describe('heldCount', () => {
  it('counts open positions of the market asked only; closed (qty 0) rows do not count', async () => {
    expect(await heldCount(w.uow(), 'KR')).toBe(0);
    await w.hold({ symbol: 'AAA', qty: 10, price: 10 });
    await w.hold({ symbol: 'BBB', qty: 5, price: 20 });
    // US positions are not the KR book.
    expect(await heldCount(w.uow(), 'KR')).toBe(0);
    expect(await heldCount(w.uow(), 'US')).toBe(2);
    await krBook(w).hold({ symbol: '069500', qty: 5, price: 35_000, stop: null });
    expect(await heldCount(w.uow(), 'KR')).toBe(1);
    await w.ds.query(`UPDATE positions SET qty = 0 WHERE symbol = 'AAA'`);
    expect(await heldCount(w.uow(), 'US')).toBe(1);
  });
});

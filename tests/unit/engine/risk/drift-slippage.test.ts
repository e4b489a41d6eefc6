import { describe, expect, it } from 'vitest';
import { executionDrift, median, slippageBps, SLIPPAGE_MIN_FILLS, SLIPPAGE_WINDOW } from '../../../../src/engine/risk/drift-slippage.js';

describe('slippageBps', () => {
  it('is positive when a buy fills above its reference, in basis points', () => {
    expect(slippageBps(10.05, 10)).toBeCloseTo(50, 10);
    expect(slippageBps(9.99, 10)).toBeCloseTo(-10, 10);
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('executionDrift', () => {
  const fill = (vsCard: number, vsClose = vsCard) => {
    const fillPrice = 100 * (1 + vsCard / 10_000);
    return { fillPrice, cardPrice: 100, closePrice: fillPrice / (1 + vsClose / 10_000) };
  };

  it(`uses only the last ${SLIPPAGE_WINDOW} fills, oldest first`, () => {
    const old = Array.from({ length: 30 }, () => fill(100));
    const recent = Array.from({ length: SLIPPAGE_WINDOW }, () => fill(5));
    const d = executionDrift([...old, ...recent], 25);
    expect(d.fills).toBe(SLIPPAGE_WINDOW);
    expect(d.medianBps).toBeCloseTo(5, 8);
    expect(d.state).toBe('ok');
  });

  it('is wide when the rolling median against the card passes the alert level', () => {
    const d = executionDrift(Array.from({ length: 8 }, (_, i) => fill(30 + i, 10)), 25);
    expect(d.medianBps).toBeCloseTo(33.5, 8);
    expect(d.medianVsCloseBps).toBeCloseTo(10, 8);
    expect(d.state).toBe('wide');
  });

  it(`is too_few under ${SLIPPAGE_MIN_FILLS} fills`, () => {
    const d = executionDrift([fill(90), fill(90)], 25);
    expect(d.state).toBe('too_few');
    expect(d.medianBps).toBeCloseTo(90, 8);
  });

  it('leaves the close side out when no close is known', () => {
    const d = executionDrift(Array.from({ length: 6 }, () => ({ fillPrice: 101, cardPrice: 100, closePrice: null })), 25);
    expect(d.medianVsCloseBps).toBeNull();
    expect(d.state).toBe('wide');
  });
});

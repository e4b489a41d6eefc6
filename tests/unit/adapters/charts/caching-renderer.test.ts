/**
 * The chart cache in front of the renderer: an equal spec within the TTL is drawn once (also when
 * asked concurrently), a different spec, an expired entry or an evicted one is drawn again, and a
 * failed draw is never kept.
 */
import { describe, expect, it } from 'vitest';
import { CachingChartRenderer } from '../../../../src/adapters/charts/caching-renderer.js';
import type { ChartRenderer, ChartSpec } from '../../../../src/adapters/charts/port.js';

function counting(fail = () => false): ChartRenderer & { draws: string[] } {
  const draws: string[] = [];
  return {
    name: 'fake',
    draws,
    async render(spec: ChartSpec) {
      draws.push(spec.title);
      await new Promise((r) => setTimeout(r, 5));
      if (fail()) throw new Error('draw failed');
      return Buffer.from(`png:${spec.title}:${draws.length}`);
    },
  };
}

const bars = (title: string, values: number[]): ChartSpec => ({ kind: 'bars', title, labels: values.map((_, i) => `S${i}`), values }) as unknown as ChartSpec;

describe('CachingChartRenderer', () => {
  it('draws an equal spec once within the TTL, concurrent asks included, and returns the same PNG', async () => {
    let t = 0;
    const inner = counting();
    const c = new CachingChartRenderer(inner, { ttlMs: 60_000, now: () => t });
    const [a, b] = await Promise.all([c.render(bars('P&L', [1, -2])), c.render(bars('P&L', [1, -2]))]);
    t = 59_999;
    const again = await c.render(bars('P&L', [1, -2]));
    expect(inner.draws).toEqual(['P&L']);
    expect(c.counts()).toEqual({ drawn: 1, shared: 2 });
    expect(b.equals(a)).toBe(true);
    expect(again.equals(a)).toBe(true);
    expect(c.name).toBe('fake');
  });

  it('draws again for a different spec, after the TTL, and after eviction', async () => {
    let t = 0;
    const inner = counting();
    const c = new CachingChartRenderer(inner, { ttlMs: 1_000, maxEntries: 2, now: () => t });
    await c.render(bars('A', [1]));
    await c.render(bars('A', [2])); // another value: another chart
    expect(inner.draws).toEqual(['A', 'A']);
    t = 1_000;
    await c.render(bars('A', [1])); // expired
    expect(inner.draws).toHaveLength(3);
    await c.render(bars('B', [1]));
    await c.render(bars('C', [1])); // evicts the oldest kept (A [2])
    await c.render(bars('A', [2]));
    expect(inner.draws).toEqual(['A', 'A', 'A', 'B', 'C', 'A']);
  });

  it('keeps no failed draw: the next ask draws again', async () => {
    let failing = true;
    const inner = counting(() => failing);
    const c = new CachingChartRenderer(inner);
    await expect(c.render(bars('X', [1]))).rejects.toThrow('draw failed');
    failing = false;
    const png = await c.render(bars('X', [1]));
    expect(png.toString()).toBe('png:X:2');
    expect(inner.draws).toHaveLength(2);
  });
});

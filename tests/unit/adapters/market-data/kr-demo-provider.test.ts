import { describe, expect, it } from 'vitest';
import { DataProviderError } from '../../../../src/adapters/market-data/errors.js';
import { krDemoSessions } from '../../../../src/adapters/market-data/synthetic/generate-kr-universe.js';
import { KrSyntheticProvider } from '../../../../src/adapters/market-data/synthetic/kr-synthetic-provider.js';
import { SyntheticProvider } from '../../../../src/adapters/market-data/synthetic/synthetic-provider.js';
import { sessionsBetween as krxSessionsBetween } from '../../../../src/engine/calendar/krx/index.js';

const END = '2025-12-30';
const kr = new KrSyntheticProvider({ endDate: END });

async function kindOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  return e instanceof DataProviderError ? e.kind : `no DataProviderError: ${String(e)}`;
}

describe('KrSyntheticProvider: KR DEMO bars through the data-provider port', () => {
  it('is labelled DEMO, KR, KRW, and defaults to 2520 KRX sessions up to the end date', () => {
    expect(kr).toMatchObject({ name: 'synthetic-kr', demo: true, market: 'KR', currency: 'KRW' });
    expect(kr.sessions).toEqual(krDemoSessions(END, 2520));
  });

  it("serves dailyBars('069500', range) on KRX sessions only: Chuseok 2025 (Oct 3–9) has no bar", async () => {
    const bars = await kr.dailyBars('069500', { from: '2025-09-29', to: '2025-10-14' });
    expect(bars.map((b) => b.date)).toEqual(krxSessionsBetween('2025-09-29', '2025-10-14'));
    expect(bars.map((b) => b.date)).toEqual(['2025-09-29', '2025-09-30', '2025-10-01', '2025-10-02', '2025-10-10', '2025-10-13', '2025-10-14']);
    expect(bars.every((b) => Number.isInteger(b.close) && b.close % 5 === 0)).toBe(true);
    // Slicing the cached history: the same bar whatever range is asked.
    const s = kr.series('069500');
    const i = s.dates.indexOf('2025-10-10');
    expect(bars[4]).toEqual({ date: '2025-10-10', open: s.open[i], high: s.high[i], low: s.low[i], close: s.close[i], volume: s.volume[i] });
  });

  it('says not_found for a US symbol and for a KRX code outside its universe', async () => {
    expect(await kindOf(kr.dailyBars('SPY', { from: '2025-01-01', to: '2025-02-01' }))).toBe('not_found');
    expect(await kindOf(kr.dailyBars('005930', { from: '2025-01-01', to: '2025-02-01' }))).toBe('not_found');
    const e = await kr.dailyBars('SPY', { from: '2025-01-01', to: '2025-02-01' }).then(
      () => undefined,
      (x: unknown) => x as DataProviderError,
    );
    expect(e?.message).toMatch(/US symbol/);
  });

  it('and the US DEMO provider says not_found for a KRX code, with or without a universe', async () => {
    const open = new SyntheticProvider({ endDate: END });
    expect(await kindOf(open.dailyBars('069500', { from: '2025-01-01', to: '2025-02-01' }))).toBe('not_found');
    const withUniverse = new SyntheticProvider({ endDate: END, universe: [{ symbol: 'SPY' }, { symbol: '069500' }] });
    expect(await kindOf(withUniverse.dailyBars('069500', { from: '2025-01-01', to: '2025-02-01' }))).toBe('not_found');
    expect(await withUniverse.dailyBars('SPY', { from: '2025-12-29', to: '2025-12-30' })).toHaveLength(2);
  });
});

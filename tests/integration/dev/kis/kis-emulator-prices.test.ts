import { afterEach, describe, expect, it } from 'vitest';
import type { KisBar, KisEmulator } from '../../../../src/dev/kis/server.js';
import { Client, P, startAt } from './kis-test-client.js';

let emu: KisEmulator;
afterEach(async () => {
  await emu.close();
});

const ETF = '069500';

/** `n` weekday bars ending 2026-03-03, close = 10 000 + day index (so each row is recognisable). */
function bars(n: number): KisBar[] {
  const out: KisBar[] = [];
  const day = new Date(Date.UTC(2026, 2, 3));
  while (out.length < n) {
    const wd = day.getUTCDay();
    if (wd !== 0 && wd !== 6) {
      const close = 10_000 + n - out.length;
      out.push({ date: day.toISOString().slice(0, 10), open: close - 10, high: close + 20, low: close - 30, close, volume: 1000 + out.length, original: { open: close * 2 - 10, high: close * 2 + 20, low: close * 2 - 30, close: close * 2 } });
    }
    day.setUTCDate(day.getUTCDate() - 1);
  }
  return out;
}

const query = (from: string, to: string, adj = '0') => ({ FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: ETF, FID_INPUT_DATE_1: from, FID_INPUT_DATE_2: to, FID_PERIOD_DIV_CODE: 'D', FID_ORG_ADJ_PRC: adj });

describe('KIS emulator: daily prices (inquire-daily-itemchartprice)', () => {
  it('returns at most 100 rows, newest first, and pages back by moving FID_INPUT_DATE_2', async () => {
    const planted = bars(250);
    emu = await startAt('16:00:00', { bars: { [ETF]: planted }, quotes: { [ETF]: { price: 10_250, bid: 10_245, ask: 10_255, name: 'KODEX 200' } } });
    const c = new Client(emu);
    await c.login();
    const dates: string[] = [];
    let to = '20260303';
    for (let call = 0; call < 5; call++) {
      const a = await c.get(P.chart, 'FHKST03010100', query('20250101', to));
      expect(a.json['rt_cd']).toBe('0');
      const rows = a.json['output2'] as Record<string, string>[];
      expect(rows.length).toBeLessThanOrEqual(100);
      if (rows.length === 0) break;
      const ds = rows.map((r) => r['stck_bsop_date']!);
      expect(ds).toEqual([...ds].sort().reverse());
      dates.push(...ds);
      const oldest = ds.at(-1)!;
      const prev = new Date(Date.UTC(+oldest.slice(0, 4), +oldest.slice(4, 6) - 1, +oldest.slice(6) - 1));
      to = prev.toISOString().slice(0, 10).replaceAll('-', '');
    }
    const expected = planted.filter((b) => b.date >= '2025-01-01').map((b) => b.date.replaceAll('-', ''));
    expect(dates).toEqual(expected);
    expect(new Set(dates).size).toBe(dates.length);
  });

  it('writes lower-case rows from the planted bars, adjusted or original by FID_ORG_ADJ_PRC', async () => {
    const planted = bars(3);
    emu = await startAt('16:00:00', { bars: { [ETF]: planted } });
    const c = new Client(emu);
    await c.login();
    const adj = (await c.get(P.chart, 'FHKST03010100', query('20260101', '20260303'))).json;
    const newest = planted[0]!;
    expect((adj['output2'] as unknown[])[0]).toMatchObject({ stck_bsop_date: '20260303', stck_clpr: String(newest.close), stck_oprc: String(newest.open), stck_hgpr: String(newest.high), stck_lwpr: String(newest.low), acml_vol: String(newest.volume) });
    expect(adj['output1']).toMatchObject({ stck_shrn_iscd: ETF });
    const orig = (await c.get(P.chart, 'FHKST03010100', query('20260101', '20260303', '1'))).json;
    expect((orig['output2'] as Record<string, string>[])[0]!['stck_clpr']).toBe(String(newest.original!.close));
  });

  it('answers inquire-price from the planted quote', async () => {
    emu = await startAt('10:00:00', { quotes: { [ETF]: { price: 35_100, bid: 35_095, ask: 35_105, prevClose: 35_000 } } });
    const c = new Client(emu);
    await c.login();
    const a = await c.get(P.price, 'FHKST01010100', { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: ETF });
    expect(a.json).toMatchObject({ rt_cd: '0', output: { stck_prpr: '35100', prdy_vrss: '100', prdy_vrss_sign: '2', stck_sdpr: '35000', stck_shrn_iscd: ETF } });
    expect((await c.get(P.price, 'FHKST01010100', { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: '999999' })).json['rt_cd']).toBe('1');
  });
});

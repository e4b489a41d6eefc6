import { afterEach, describe, expect, it } from 'vitest';
import { hashOf, seoul, type KisEmulator } from '../../../../src/dev/kis/server.js';
import { Client, orderBody, P, startAt, TRADING_DAY } from './kis-test-client.js';

let emu: KisEmulator;
afterEach(async () => {
  await emu.close();
});

const ETF = '069500';
const quotes = { [ETF]: { price: 35_000, bid: 34_995, ask: 35_005 } };

async function ready(pageSize: number): Promise<Client> {
  emu = await startAt('10:00:00', { quotes, pageSize });
  const c = new Client(emu);
  await c.login();
  return c;
}

describe('KIS emulator: inquire-daily-ccld listing', () => {
  it('pages with tr_cont F/M/E and ctx_area_nk100, rows in lower case, oldest first with INQR_DVSN 01', async () => {
    const c = await ready(2);
    const placed: string[] = [];
    for (let i = 0; i < 5; i++) {
      emu.advanceClock(1000);
      const a = await c.order('TTTC0012U', ETF, '00', 1, 34_000 + i * 5);
      placed.push((a.json['output'] as Record<string, string>)['ODNO']!);
    }
    const seen: string[] = [];
    const conts: string[] = [];
    let fk = '';
    let nk = '';
    let trCont = '';
    for (let guard = 0; guard < 10; guard++) {
      const page = await c.dailyOrders('TTTC0081R', { CTX_AREA_FK100: fk, CTX_AREA_NK100: nk }, { tr_cont: trCont });
      expect(page.json['rt_cd']).toBe('0');
      const rows = page.json['output1'] as Record<string, string>[];
      expect(rows.length).toBeLessThanOrEqual(2);
      for (const r of rows) for (const k of Object.keys(r)) expect(k, k).toBe(k.toLowerCase());
      seen.push(...rows.map((r) => r['odno']!));
      const cont = page.headers.get('tr_cont')!;
      conts.push(cont);
      expect(String(page.json['ctx_area_nk100'])).toHaveLength(100);
      if (cont === 'D' || cont === 'E') break;
      fk = String(page.json['ctx_area_fk100']);
      nk = String(page.json['ctx_area_nk100']);
      trCont = 'N';
    }
    expect(conts).toEqual(['F', 'M', 'E']);
    expect(seen).toEqual(placed);
    const reversed = await c.dailyOrders('TTTC0081R', { INQR_DVSN: '00' });
    expect((reversed.json['output1'] as Record<string, string>[]).map((r) => r['odno'])).toEqual(placed.slice().reverse().slice(0, 2));
  });

  it('lists the real fields with buy/sell codes 02/01 and a one-page answer as tr_cont D', async () => {
    const c = await ready(100);
    emu.setPosition(ETF, 10, 30_000);
    await c.order('TTTC0011U', ETF, '00', 3, 36_000);
    const page = await c.dailyOrders('TTTC0081R');
    expect(page.headers.get('tr_cont')).toBe('D');
    const [row] = page.json['output1'] as Record<string, string>[];
    for (const k of ['ord_dt', 'ord_gno_brno', 'odno', 'orgn_odno', 'sll_buy_dvsn_cd', 'pdno', 'ord_qty', 'ord_unpr', 'ord_tmd', 'tot_ccld_qty', 'avg_prvs', 'cncl_yn', 'rmn_qty', 'cnc_cfrm_qty']) {
      expect(row, k).toHaveProperty(k);
    }
    expect(row).toMatchObject({ ord_dt: TRADING_DAY.replaceAll('-', ''), sll_buy_dvsn_cd: '01', pdno: ETF, ord_qty: '3', ord_unpr: '36000', cncl_yn: 'N', rmn_qty: '3' });
    expect(page.json['output2']).toMatchObject({ tot_ord_qty: '3', tot_ccld_qty: '0' });
  });

  it('shows manual orders (placed in the KIS app) in the same listing, filterable by side and date', async () => {
    const c = await ready(100);
    await c.order('TTTC0012U', ETF, '00', 1, 34_000);
    const manual = emu.plantManualOrder({ pdno: ETF, side: 'buy', qty: 7, price: 34_500, at: seoul(TRADING_DAY, '09:15') });
    const rows = (await c.dailyOrders('TTTC0081R', { SLL_BUY_DVSN_CD: '02' })).json['output1'] as Record<string, string>[];
    expect(rows.map((r) => r['odno'])).toContain(manual);
    expect(rows.find((r) => r['odno'] === manual)).toMatchObject({ ord_qty: '7', ord_unpr: '34500', ord_tmd: '091500', sll_buy_dvsn_cd: '02' });
    expect((await c.dailyOrders('TTTC0081R', { SLL_BUY_DVSN_CD: '01' })).json['output1']).toEqual([]);
    expect((await c.dailyOrders('TTTC0081R', { INQR_STRT_DT: '20260305', INQR_END_DT: '20260305' })).json['output1']).toEqual([]);
  });

  it('timeout after accept: the order POST never answers, but the order exists and is listed', async () => {
    const c = await ready(100);
    emu.injectFaults({ kind: 'accept_then_timeout', path: P.order });
    const raw = JSON.stringify(orderBody(ETF, '00', 2, 34_000));
    const sent = fetch(`${emu.url}${P.order}`, { method: 'POST', headers: c.headers('TTTC0012U', { hashkey: hashOf(raw) }), body: raw, signal: AbortSignal.timeout(300) });
    await expect(sent).rejects.toThrow(/abort|timeout/i);
    const rows = (await c.dailyOrders('TTTC0081R')).json['output1'] as Record<string, string>[];
    expect(rows).toEqual([expect.objectContaining({ pdno: ETF, ord_qty: '2', ord_unpr: '34000', rmn_qty: '2' })]);
    expect(emu.counters().ordersReceived).toBe(1);
    expect(emu.pendingFaults()).toEqual([]);
  });

  it('drop after accept and processed 500s also leave the order placed; a plain 500 places nothing', async () => {
    const c = await ready(100);
    emu.injectFaults({ kind: 'accept_then_drop', path: P.order }, { kind: 'server_error', path: P.order, processed: true }, { kind: 'server_error', path: P.order });
    await expect(c.order('TTTC0012U', ETF, '00', 1, 34_000)).rejects.toThrow();
    const processed = await c.order('TTTC0012U', ETF, '00', 1, 34_000);
    expect(processed.status).toBe(500);
    const before = await c.order('TTTC0012U', ETF, '00', 1, 34_000);
    expect(before.status).toBe(500);
    expect(emu.orders()).toHaveLength(2);
    expect((await c.order('TTTC0012U', ETF, '00', 1, 34_000)).json['rt_cd']).toBe('0');
  });

  it('garbage bodies: HTTP 200 that is not JSON, count times', async () => {
    const c = await ready(100);
    emu.injectFaults({ kind: 'garbage', path: P.daily, count: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${emu.url}${P.daily}?CANO=12345678`, { headers: c.headers('TTTC0081R') });
      expect(res.status).toBe(200);
      await expect(res.json()).rejects.toThrow();
    }
    expect((await c.dailyOrders('TTTC0081R')).json['rt_cd']).toBe('0');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { seoul, type KisEmulator } from '../../../../src/dev/kis/server.js';
import { CANO, Client, P, PRDT, startAt, TRADING_DAY } from './kis-test-client.js';

let emu: KisEmulator;
afterEach(async () => {
  await emu.close();
});

const ETF = '069500';
const BUY = 'TTTC0012U';
const SELL = 'TTTC0011U';

async function ready(time = '10:00:00', askSize?: number): Promise<Client> {
  emu = await startAt(time, { quotes: { [ETF]: { price: 35_000, bid: 34_995, ask: 35_005, ...(askSize === undefined ? {} : { askSize }), bidSize: 50, name: 'KODEX 200' } }, cash: 10_000_000 });
  const c = new Client(emu);
  await c.login();
  return c;
}

const rowOf = async (c: Client, odno: string) => {
  const list = (await c.dailyOrders('TTTC0081R', { ODNO: odno })).json['output1'] as Record<string, string>[];
  return list.find((r) => r['odno'] === odno)!;
};

describe('KIS emulator: cash orders', () => {
  it('fills a marketable IOC limit buy in full at the ask and answers KRX_FWDG_ORD_ORGNO/ODNO/ORD_TMD', async () => {
    const c = await ready();
    const a = await c.order(BUY, ETF, '11', 10, 35_010);
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ rt_cd: '0', msg_cd: 'APBK0013', msg1: '주문 전송 완료 되었습니다.' });
    const out = a.json['output'] as Record<string, string>;
    expect(Object.keys(out).sort()).toEqual(['KRX_FWDG_ORD_ORGNO', 'ODNO', 'ORD_TMD']);
    expect(out['ODNO']).toMatch(/^\d{10}$/);
    expect(out['ORD_TMD']).toBe('100000');
    expect(await rowOf(c, out['ODNO']!)).toMatchObject({ tot_ccld_qty: '10', avg_prvs: '35005', rmn_qty: '0', cnc_cfrm_qty: '0', sll_buy_dvsn_cd: '02', ccld_cndt_name: 'IOC' });
    expect(emu.counters().ordersReceived).toBe(1);
  });

  it('fills an IOC only up to the ask size and cancels the remainder', async () => {
    const c = await ready('10:00:00', 4);
    const a = await c.order(BUY, ETF, '11', 10, 35_005);
    const odno = (a.json['output'] as Record<string, string>)['ODNO']!;
    expect(await rowOf(c, odno)).toMatchObject({ ord_qty: '10', tot_ccld_qty: '4', cnc_cfrm_qty: '6', rmn_qty: '0' });
  });

  it('cancels a non-marketable IOC entirely and rests a non-marketable 00 limit until a control fill', async () => {
    const c = await ready();
    const ioc = (await c.order(BUY, ETF, '11', 5, 35_000)).json['output'] as Record<string, string>;
    expect(await rowOf(c, ioc['ODNO']!)).toMatchObject({ tot_ccld_qty: '0', cnc_cfrm_qty: '5', rmn_qty: '0' });
    const lim = (await c.order(BUY, ETF, '00', 5, 35_000)).json['output'] as Record<string, string>;
    expect(await rowOf(c, lim['ODNO']!)).toMatchObject({ tot_ccld_qty: '0', rmn_qty: '5', ord_dvsn_cd: '00' });
    emu.fill(lim['ODNO']!, 2);
    expect(await rowOf(c, lim['ODNO']!)).toMatchObject({ tot_ccld_qty: '2', rmn_qty: '3', avg_prvs: '35000' });
  });

  it('cancels the rest of a resting order through order-rvsecncl (02, QTY_ALL_ORD_YN Y)', async () => {
    const c = await ready();
    const lim = (await c.order(BUY, ETF, '00', 5, 34_000)).json['output'] as Record<string, string>;
    const body = { CANO, ACNT_PRDT_CD: PRDT, KRX_FWDG_ORD_ORGNO: lim['KRX_FWDG_ORD_ORGNO']!, ORGN_ODNO: lim['ODNO']!, ORD_DVSN: '00', RVSE_CNCL_DVSN_CD: '02', ORD_QTY: '0', ORD_UNPR: '0', QTY_ALL_ORD_YN: 'Y', EXCG_ID_DVSN_CD: 'KRX' };
    const cx = await c.post(P.cancel, 'TTTC0013U', body);
    expect(cx.json).toMatchObject({ rt_cd: '0' });
    const cancelOdno = (cx.json['output'] as Record<string, string>)['ODNO']!;
    expect(cancelOdno).not.toBe(lim['ODNO']);
    expect(await rowOf(c, lim['ODNO']!)).toMatchObject({ rmn_qty: '0', cnc_cfrm_qty: '5' });
    expect(await rowOf(c, cancelOdno)).toMatchObject({ orgn_odno: lim['ODNO'], cncl_yn: 'Y', ord_qty: '5' });
    expect((await c.post(P.cancel, 'TTTC0013U', body)).json).toMatchObject({ rt_cd: '1', msg_cd: 'APBK0402' });
  });

  it('refuses IOC during the single-price auctions (APBK3013) but accepts a 00 limit, which rests', async () => {
    for (const time of ['08:45:00', '15:25:00']) {
      const c = await ready(time);
      const ioc = await c.order(BUY, ETF, '11', 1, 35_010);
      expect(ioc.json, time).toMatchObject({ rt_cd: '1', msg_cd: 'APBK3013' });
      const lim = await c.order(BUY, ETF, '00', 1, 35_010);
      expect(lim.json['rt_cd'], time).toBe('0');
      expect(emu.orders().map((o) => [o.filledQty, o.remainingQty])).toEqual([[0, 1]]);
      await emu.close();
    }
    emu = await startAt('10:00:00'); // for afterEach
  });

  it('refuses orders outside 08:30–15:30 and at weekends with APBK0918', async () => {
    const c = await ready('08:29:59');
    expect((await c.order(BUY, ETF, '00', 1, 35_000)).json).toMatchObject({ rt_cd: '1', msg_cd: 'APBK0918', msg1: '장운영시간이 아닙니다.(주문불가)' });
    emu.setClock(seoul(TRADING_DAY, '15:30:00'));
    expect((await c.order(BUY, ETF, '00', 1, 35_000)).json['msg_cd']).toBe('APBK0918');
    emu.setClock(seoul('2026-03-07', '10:00')); // Saturday, more than a day later: a fresh token
    await c.login();
    expect((await c.order(BUY, ETF, '00', 1, 35_000)).json['msg_cd']).toBe('APBK0918');
    expect(emu.counters().ordersReceived).toBe(0);
  });

  it('sells against the bid, checks cash and shares, and reports the balance in KRW strings', async () => {
    const c = await ready();
    emu.setPosition(ETF, 20, 30_000);
    expect((await c.order(SELL, ETF, '11', 30, 34_995)).json['msg_cd']).toBe('APBK0400');
    expect((await c.order(BUY, ETF, '00', 1000, 35_005)).json['msg_cd']).toBe('APBK0656');
    const sold = await c.order(SELL, ETF, '11', 5, 34_990);
    expect(sold.json['rt_cd']).toBe('0');
    const bal = await c.get(P.balance, 'TTTC8434R', { CANO, ACNT_PRDT_CD: PRDT, AFHR_FLPR_YN: 'N', OFL_YN: '', INQR_DVSN: '02', UNPR_DVSN: '01', FUND_STTL_ICLD_YN: 'N', FNCG_AMT_AUTO_RDPT_YN: 'N', PRCS_DVSN: '00', CTX_AREA_FK100: '', CTX_AREA_NK100: '' });
    expect(bal.json['rt_cd']).toBe('0');
    expect(bal.json['output1']).toEqual([expect.objectContaining({ pdno: ETF, prdt_name: 'KODEX 200', hldg_qty: '15', ord_psbl_qty: '15', prpr: '35000', evlu_amt: String(15 * 35_000), pchs_amt: String(15 * 30_000) })]);
    const sum = (bal.json['output2'] as Record<string, string>[])[0]!;
    expect(sum['dnca_tot_amt']).toBe(String(10_000_000 + 5 * 34_995));
    expect(sum['scts_evlu_amt']).toBe(String(15 * 35_000));
  });
});

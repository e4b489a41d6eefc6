import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { KisEmulator } from '../../../../src/dev/kis/server.js';
import { APP_KEY, APP_SECRET, Client, orderBody, P, startAt } from './kis-test-client.js';

let emu: KisEmulator;
afterEach(async () => {
  await emu.close();
});

const quotes = { '069500': { price: 35_000, bid: 34_995, ask: 35_005 } };
const priceQuery = { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: '069500' };

describe('KIS emulator: hashkey', () => {
  it('answers POST /uapi/hashkey with BODY and the SHA-256 hex of the exact bytes', async () => {
    emu = await startAt('10:00:00', { quotes });
    const raw = JSON.stringify(orderBody('069500', '00', 1, 35_000));
    const res = await fetch(`${emu.url}${P.hashkey}`, { method: 'POST', headers: { 'content-type': 'application/json', appkey: APP_KEY, appsecret: APP_SECRET }, body: raw });
    const json = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    expect(json['BODY']).toEqual(JSON.parse(raw));
    expect(json['HASH']).toBe(createHash('sha256').update(raw).digest('hex'));
  });

  it('refuses an order POST without a hashkey or with one for another body, and places nothing', async () => {
    emu = await startAt('10:00:00', { quotes });
    const c = new Client(emu);
    await c.login();
    const body = orderBody('069500', '00', 1, 35_000);
    const none = await c.post(P.order, 'TTTC0012U', body, null);
    expect(none.json).toMatchObject({ rt_cd: '1', msg_cd: 'EGW00999' });
    const other = await c.post(P.order, 'TTTC0012U', body, createHash('sha256').update('{}').digest('hex'));
    expect(other.json).toMatchObject({ rt_cd: '1', msg_cd: 'EGW00999' });
    expect(emu.orders()).toHaveLength(0);
    const good = await c.post(P.order, 'TTTC0012U', body);
    expect(good.json).toMatchObject({ rt_cd: '0', msg_cd: 'APBK0013' });
    expect(emu.orders()).toHaveLength(1);
  });
});

describe('KIS emulator: TR IDs per endpoint and server', () => {
  it('real takes TTTC…, refuses VTTC… and a TR from another endpoint with OPSQ0002 (HTTP 500)', async () => {
    emu = await startAt('10:00:00', { quotes });
    const c = new Client(emu);
    await c.login();
    const body = orderBody('069500', '00', 1, 35_000);
    expect((await c.post(P.order, 'TTTC0012U', body)).json['rt_cd']).toBe('0');
    for (const wrong of ['VTTC0012U', 'TTTC0013U', 'TTTC0802U']) {
      const a = await c.post(P.order, wrong, body);
      expect(a.status, wrong).toBe(500);
      expect(a.json, wrong).toEqual({ rt_cd: '1', msg_cd: 'OPSQ0002', msg1: '없는 서비스 코드 입니다' });
    }
    expect((await c.dailyOrders('VTTC0081R')).json['msg_cd']).toBe('OPSQ0002');
    expect((await c.dailyOrders('TTTC0081R')).json['rt_cd']).toBe('0');
    expect(emu.orders()).toHaveLength(1);
  });

  it('virtual takes VTTC…, refuses TTTC…, and shares the quotation TR IDs', async () => {
    emu = await startAt('10:00:00', { quotes, server: 'virtual' });
    const c = new Client(emu);
    await c.login();
    const body = orderBody('069500', '00', 1, 35_000);
    expect((await c.post(P.order, 'TTTC0012U', body)).json['msg_cd']).toBe('OPSQ0002');
    expect((await c.post(P.order, 'VTTC0012U', body)).json['rt_cd']).toBe('0');
    const balance = await c.get(P.balance, 'VTTC8434R', { CANO: '12345678', ACNT_PRDT_CD: '01', AFHR_FLPR_YN: 'N', OFL_YN: '', INQR_DVSN: '02', UNPR_DVSN: '01', FUND_STTL_ICLD_YN: 'N', FNCG_AMT_AUTO_RDPT_YN: 'N', PRCS_DVSN: '00', CTX_AREA_FK100: '', CTX_AREA_NK100: '' });
    expect(balance.json['rt_cd']).toBe('0');
    expect((await c.get(P.price, 'FHKST01010100', priceQuery)).json['rt_cd']).toBe('0');
    expect((await c.get(P.price, 'FHKST03010100', priceQuery)).json['msg_cd']).toBe('OPSQ0002');
  });
});

describe('KIS emulator: per-second limit EGW00201', () => {
  it('refuses request maxRps+1 within one second with HTTP 500 EGW00201, counts it, and clears the next second', async () => {
    emu = await startAt('10:00:00.000', { quotes, maxRps: 3 });
    const c = new Client(emu);
    await c.login();
    for (let i = 0; i < 3; i++) expect((await c.get(P.price, 'FHKST01010100', priceQuery)).json['rt_cd']).toBe('0');
    const over = await c.get(P.price, 'FHKST01010100', priceQuery);
    expect(over.status).toBe(500);
    expect(over.json).toEqual({ rt_cd: '1', msg_cd: 'EGW00201', msg1: '초당 거래건수를 초과하였습니다.' });
    expect(emu.counters().rateLimited).toBe(1);
    emu.advanceClock(1000);
    expect((await c.get(P.price, 'FHKST01010100', priceQuery)).json['rt_cd']).toBe('0');
  });

  it('defaults to 1 a second on the virtual server', async () => {
    emu = await startAt('10:00:00.000', { quotes, server: 'virtual', maxRps: undefined });
    const c = new Client(emu);
    await c.login();
    expect((await c.get(P.price, 'FHKST01010100', priceQuery)).json['rt_cd']).toBe('0');
    expect((await c.get(P.price, 'FHKST01010100', priceQuery)).json['msg_cd']).toBe('EGW00201');
  });
});

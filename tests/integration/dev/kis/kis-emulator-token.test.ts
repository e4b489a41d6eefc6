import { afterEach, describe, expect, it } from 'vitest';
import type { KisEmulator } from '../../../../src/dev/kis/server.js';
import { Client, P, startAt } from './kis-test-client.js';

let emu: KisEmulator;
afterEach(async () => {
  await emu.close();
});

const MINUTE = 60_000;
const HOUR = 3_600_000;
const priceQuery = { FID_COND_MRKT_DIV_CODE: 'J', FID_INPUT_ISCD: '069500' };

describe('KIS emulator: POST /oauth2/tokenP', () => {
  it('issues a 24 h Bearer token with its KST expiry', async () => {
    emu = await startAt('10:00:00');
    const a = await new Client(emu).requestToken();
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({ token_type: 'Bearer', expires_in: 86400, access_token_token_expired: '2026-03-05 10:00:00' });
    expect(String(a.json['access_token']).length).toBeGreaterThan(20);
  });

  it('refuses a second request within one minute with 403 EGW00133, and counts every call', async () => {
    emu = await startAt('10:00:00');
    const c = new Client(emu);
    expect((await c.requestToken()).status).toBe(200);
    emu.advanceClock(59_000);
    const again = await c.requestToken();
    expect(again.status).toBe(403);
    expect(again.json).toEqual({ error_code: 'EGW00133', error_description: '접근토큰 발급 잠시 후 다시 시도하세요(1분당 1회)' });
    expect(emu.counters()).toMatchObject({ tokenCalls: 2, tokensIssued: 1, tokenRefusals: 1 });
  });

  it('returns the same token when asked again after a minute within 6 h, and a new one after 6 h', async () => {
    emu = await startAt('10:00:00');
    const c = new Client(emu);
    const first = (await c.requestToken()).json;
    emu.advanceClock(MINUTE);
    const second = (await c.requestToken()).json;
    expect(second['access_token']).toBe(first['access_token']);
    expect(second['access_token_token_expired']).toBe(first['access_token_token_expired']);
    expect(second['expires_in']).toBe(86400 - 60);
    emu.advanceClock(6 * HOUR);
    const third = (await c.requestToken()).json;
    expect(third['access_token']).not.toBe(first['access_token']);
    expect(emu.counters()).toMatchObject({ tokenCalls: 3, tokensIssued: 2, tokenRefusals: 0 });
  });

  it('answers EGW00123 (HTTP 500) once the token has expired and EGW00121 for a token it never issued', async () => {
    emu = await startAt('10:00:00', { quotes: { '069500': { price: 35_000, bid: 34_995, ask: 35_005 } } });
    const c = new Client(emu);
    await c.login();
    expect((await c.get(P.price, 'FHKST01010100', priceQuery)).json['rt_cd']).toBe('0');
    emu.advanceClock(24 * HOUR);
    const expired = await c.get(P.price, 'FHKST01010100', priceQuery);
    expect(expired.status).toBe(500);
    expect(expired.json).toEqual({ rt_cd: '1', msg_cd: 'EGW00123', msg1: '기간이 만료된 token 입니다.' });
    c.token = 'not-a-token';
    const invalid = await c.get(P.price, 'FHKST01010100', priceQuery);
    expect(invalid.status).toBe(500);
    expect(invalid.json).toMatchObject({ rt_cd: '1', msg_cd: 'EGW00121' });
  });

  it('refuses a wrong app secret without issuing', async () => {
    emu = await startAt('10:00:00');
    const a = await new Client(emu).requestToken('wrong');
    expect(a.status).toBe(403);
    expect(a.json['error_code']).toBe('EGW00103');
    expect(emu.counters().tokensIssued).toBe(0);
  });
});

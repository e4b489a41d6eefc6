import { describe, expect, it } from 'vitest';
import { KisAccountError, KisEnvSchema, kisSettingsFromEnv, parseKisAccount, iocRefusal, trId } from '../../../../src/adapters/brokers/kis/index.js';
import { statusOfRow } from '../../../../src/adapters/brokers/kis/orders.js';
import { KisDailyOrderRow } from '../../../../src/adapters/brokers/kis/schema.js';

/** KIS configuration, account parsing, TR ids, the auction rule and the daily-orders status. */

/** A Seoul wall-clock time as an instant (KST is UTC+9 all year). */
const kst = (date: string, time: string) => Date.parse(`${date}T${time}+09:00`);

describe('KIS_ACCOUNT', () => {
  it('splits 12345678-01 into CANO and ACNT_PRDT_CD', () => {
    expect(parseKisAccount('12345678-01')).toEqual({ cano: '12345678', productCode: '01' });
  });
  it.each(['1234567-01', '12345678-1', 'abcdefgh-01', ''])('refuses %j with the expected shape in the message', (v) => {
    expect(() => parseKisAccount(v)).toThrow(KisAccountError);
    expect(() => parseKisAccount(v)).toThrow(/12345678-01/);
  });
});

describe('BROKER_KR environment', () => {
  const base = { KIS_APP_KEY: 'k'.repeat(20), KIS_APP_SECRET: 's'.repeat(40), KIS_ACCOUNT: '12345678-01' };
  it('defaults to paper and needs nothing else', () => {
    const env = KisEnvSchema.parse({});
    expect(env.BROKER_KR).toBe('paper');
    expect(kisSettingsFromEnv(env)).toBeNull();
  });
  it('kis-live needs KIS_LIVE_CONFIRM=real-money', () => {
    const r = KisEnvSchema.safeParse({ ...base, BROKER_KR: 'kis-live' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(/KIS_LIVE_CONFIRM=real-money/);
    const ok = KisEnvSchema.parse({ ...base, BROKER_KR: 'kis-live', KIS_LIVE_CONFIRM: 'real-money' });
    expect(kisSettingsFromEnv(ok)).toMatchObject({ server: 'real', maxRps: 18, baseUrl: 'https://openapi.koreainvestment.com:9443' });
  });
  it('kis-virtual defaults to 1 request a second and takes KIS_API_URL and KIS_MAX_RPS', () => {
    expect(kisSettingsFromEnv(KisEnvSchema.parse({ ...base, BROKER_KR: 'kis-virtual' }))).toMatchObject({ server: 'virtual', maxRps: 1, baseUrl: 'https://openapivts.koreainvestment.com:29443' });
    expect(kisSettingsFromEnv(KisEnvSchema.parse({ ...base, BROKER_KR: 'kis-virtual', KIS_API_URL: 'http://127.0.0.1:9', KIS_MAX_RPS: '5' }))).toMatchObject({ baseUrl: 'http://127.0.0.1:9', maxRps: 5 });
  });
  it('kis-* needs the key, secret and a well-formed account', () => {
    const r = KisEnvSchema.safeParse({ BROKER_KR: 'kis-virtual', KIS_ACCOUNT: '1234' });
    const paths = r.error?.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['KIS_APP_KEY', 'KIS_APP_SECRET', 'KIS_ACCOUNT']));
  });
});

describe('TR ids', () => {
  it('are TTTC… on the real server and VTTC… on the virtual one', () => {
    expect([trId('real', 'buy'), trId('real', 'sell'), trId('real', 'reviseCancel'), trId('real', 'dailyOrders'), trId('real', 'balance')]).toEqual(['TTTC0012U', 'TTTC0011U', 'TTTC0013U', 'TTTC0081R', 'TTTC8434R']);
    expect([trId('virtual', 'buy'), trId('virtual', 'sell'), trId('virtual', 'reviseCancel'), trId('virtual', 'dailyOrders'), trId('virtual', 'balance')]).toEqual(['VTTC0012U', 'VTTC0011U', 'VTTC0013U', 'VTTC0081R', 'VTTC8434R']);
    expect([trId('virtual', 'price'), trId('virtual', 'dailyPrices')]).toEqual(['FHKST01010100', 'FHKST03010100']);
  });
});

describe('IOC window (KST)', () => {
  it.each([
    ['08:59:59', true],
    ['09:00:00', false],
    ['15:19:59', false],
    ['15:20:00', true],
    ['15:29:59', true],
    ['15:30:00', true],
    ['07:00:00', true],
  ])('%s on a Monday refused: %s', (time, refused) => {
    expect(iocRefusal(kst('2024-01-08', time)) !== null).toBe(refused);
  });
  it('names the closing auction', () => {
    expect(iocRefusal(kst('2024-01-08', '15:25:00'))).toMatch(/closing single-price auction \(15:20–15:30 KST\)/);
  });
  it('follows a calendar: a late open moves the opening auction', () => {
    const lateOpen = () => ({ openMin: 10 * 60, closeMin: 15 * 60 + 30 });
    expect(iocRefusal(kst('2024-01-02', '09:45:00'), lateOpen)).toMatch(/opening/);
    expect(iocRefusal(kst('2024-01-02', '10:00:00'), lateOpen)).toBeNull();
    expect(iocRefusal(kst('2024-01-08', '10:00:00'), () => null)).toMatch(/closed/);
  });
});

describe('daily-orders status', () => {
  const row = (o: Record<string, string>) =>
    KisDailyOrderRow.parse({ ord_dt: '20240108', odno: '1', sll_buy_dvsn_cd: '02', pdno: '005930', ord_qty: '10', ord_unpr: '70000', ord_tmd: '100000', ...o });
  it.each([
    [{ tot_ccld_qty: '10', rmn_qty: '0' }, 'filled'],
    [{ tot_ccld_qty: '0', rmn_qty: '10' }, 'new'],
    [{ tot_ccld_qty: '4', rmn_qty: '6' }, 'partially_filled'],
    [{ tot_ccld_qty: '4', rmn_qty: '0', cnc_cfrm_qty: '6' }, 'canceled'],
    [{ tot_ccld_qty: '0', rmn_qty: '0', rjct_qty: '10' }, 'rejected'],
  ])('%j → %s', (fields, status) => {
    expect(statusOfRow(row(fields))).toBe(status);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config/config.js';
import { DEFAULT_KR_COMMISSION_RATE } from '../../../src/engine/market/fees.js';

/** The Korean market's settings (issue 15): BROKER_KR, KIS_*, the KRW limits and the KST schedule. */

const KIS = { KIS_APP_KEY: 'PSkisConfigTestKey0123', KIS_APP_SECRET: 'kisConfigTestSecret+0123456789abcdef', KIS_ACCOUNT: '12345678-01' };

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

/** The one problem about `key`, or a failure listing them all. */
function problemOf(env: NodeJS.ProcessEnv, key: string): string {
  const all = problems(env);
  const mine = all.filter((p) => p.startsWith(`${key} `));
  expect(mine, `problems: ${JSON.stringify(all)}`).toHaveLength(1);
  return mine[0]!;
}

describe('config.kr defaults', () => {
  it('paper broker, no KIS, KRW limits in whole won, commission the engine default, leveraged ETFs off', () => {
    const kr = loadConfig({}).kr;
    expect(kr.broker).toBe('paper');
    expect(kr.kis).toBeNull();
    expect(kr.allowLeveraged).toBe(false);
    expect(kr.commissionRate).toBe(DEFAULT_KR_COMMISSION_RATE);
    expect(kr.paper).toEqual({ startingCash: 10_000_000 });
    expect(kr.execution).toEqual({ perOrderBudget: 100_000, dailyBudget: 1_000_000, minTradedValue: 1_000_000_000 });
  });

  it('the KST schedule: digest and picks before the 08:30 pre-open auction, exits before the closing auction, hypotheses after the mark', () => {
    const s = loadConfig({}).kr.schedule;
    expect(s).toEqual({
      scans: ['08:10'],
      morningDigest: ['08:00'],
      closeDigest: ['close+15'],
      exits: ['15:10'],
      mark: ['close+10'],
      reconcile: ['08:20', 'close+35'],
      hypotheses: ['close+45'],
      graceMinutes: 10,
    });
  });

  it('leaves every US setting as it was', () => {
    const c = loadConfig({ BROKER_KR: 'kis-virtual', ...KIS, EXEC_PER_ORDER_BUDGET_KR: '200000', PAPER_STARTING_CASH_KR: '5000000' });
    const us = loadConfig({});
    expect(c.execution).toEqual(us.execution);
    expect(c.broker).toEqual(us.broker);
    expect(c.schedule).toEqual(us.schedule);
  });
});

describe('config.kr from the environment', () => {
  it('kis-virtual: the KIS settings, KIS_API_URL and KIS_MAX_RPS', () => {
    const kr = loadConfig({ BROKER_KR: 'kis-virtual', ...KIS, KIS_API_URL: 'http://127.0.0.1:9999', KIS_MAX_RPS: '3' }).kr;
    expect(kr.broker).toBe('kis-virtual');
    expect(kr.kis).toEqual({ server: 'virtual', baseUrl: 'http://127.0.0.1:9999', appKey: KIS.KIS_APP_KEY, appSecret: KIS.KIS_APP_SECRET, account: '12345678-01', maxRps: 3 });
  });

  it('kis-live with the confirmation: the real server at 18 requests a second', () => {
    const kr = loadConfig({ BROKER_KR: 'kis-live', KIS_LIVE_CONFIRM: 'real-money', ...KIS }).kr;
    expect(kr.kis).toMatchObject({ server: 'real', baseUrl: 'https://openapi.koreainvestment.com:9443', maxRps: 18 });
  });

  it('blank optional KIS values (as .env.example leaves them) are unset, not invalid', () => {
    const kr = loadConfig({ BROKER_KR: 'kis-virtual', ...KIS, KIS_API_URL: '', KIS_MAX_RPS: '', KIS_LIVE_CONFIRM: '' }).kr;
    expect(kr.kis).toMatchObject({ baseUrl: 'https://openapivts.koreainvestment.com:29443', maxRps: 1 });
  });

  it('limits, prices, commission and the leveraged switch', () => {
    const kr = loadConfig({
      EXEC_PER_ORDER_BUDGET_KR: '250000',
      EXEC_DAILY_BUDGET_KR: '2000000',
      EXEC_MIN_TRADED_VALUE_KR: '5000000000',
      EXEC_MIN_PRICE_KR: '1000',
      EXEC_MAX_PRICE_KR: '500000',
      PAPER_STARTING_CASH_KR: '30000000',
      KIS_COMMISSION_BPS: '1.4',
      KR_ALLOW_LEVERAGED: 'true',
    }).kr;
    expect(kr.execution).toEqual({ perOrderBudget: 250_000, dailyBudget: 2_000_000, minTradedValue: 5_000_000_000, minPrice: 1_000, maxPrice: 500_000 });
    expect(kr.paper.startingCash).toBe(30_000_000);
    expect(kr.commissionRate).toBeCloseTo(0.00014, 12);
    expect(kr.allowLeveraged).toBe(true);
  });

  it('the KIS key and secret are secrets: never logged', () => {
    const c = loadConfig({ BROKER_KR: 'kis-virtual', ...KIS });
    expect(c.secrets).toEqual(expect.arrayContaining([KIS.KIS_APP_KEY, KIS.KIS_APP_SECRET]));
  });
});

describe('invalid KR settings are refused, naming the variable and the fix', () => {
  it('kis-live without KIS_LIVE_CONFIRM=real-money', () => {
    expect(problemOf({ BROKER_KR: 'kis-live', ...KIS }, 'KIS_LIVE_CONFIRM')).toMatch(/real-money.*BROKER_KR=kis-virtual/);
    expect(problemOf({ BROKER_KR: 'kis-live', KIS_LIVE_CONFIRM: 'yes', ...KIS }, 'KIS_LIVE_CONFIRM')).toMatch(/real-money/);
  });

  it.each(['KIS_APP_KEY', 'KIS_APP_SECRET', 'KIS_ACCOUNT'])('kis-virtual without %s', (key) => {
    const env: NodeJS.ProcessEnv = { BROKER_KR: 'kis-virtual', ...KIS };
    delete env[key];
    expect(problemOf(env, key)).toMatch(/BROKER_KR=kis-virtual.*BROKER_KR=paper/);
  });

  it('a malformed account, with the expected shape and without echoing the digits', () => {
    const p = problemOf({ BROKER_KR: 'kis-virtual', ...KIS, KIS_ACCOUNT: '87654321-1' }, 'KIS_ACCOUNT');
    expect(p).toMatch(/12345678-01/);
    expect(p).not.toMatch(/87654321/);
    expect(p).not.toMatch(/^KIS_ACCOUNT KIS_ACCOUNT/);
  });

  it('an unknown BROKER_KR lists the choices', () => {
    expect(problemOf({ BROKER_KR: 'kiwoom' }, 'BROKER_KR')).toMatch(/paper, kis-virtual or kis-live/);
  });

  it.each(['EXEC_PER_ORDER_BUDGET_KR', 'EXEC_DAILY_BUDGET_KR', 'EXEC_MIN_TRADED_VALUE_KR', 'EXEC_MIN_PRICE_KR', 'EXEC_MAX_PRICE_KR', 'PAPER_STARTING_CASH_KR'])(
    '%s in fractions of a won',
    (key) => {
      expect(problemOf({ [key]: '100000.5' }, key)).toMatch(/whole won/);
    },
  );

  it('amounts that are not numbers or not positive', () => {
    expect(problemOf({ EXEC_PER_ORDER_BUDGET_KR: '100,000' }, 'EXEC_PER_ORDER_BUDGET_KR')).toMatch(/whole won/);
    expect(problemOf({ EXEC_DAILY_BUDGET_KR: '0' }, 'EXEC_DAILY_BUDGET_KR')).toMatch(/more than 0/);
    expect(problemOf({ KIS_COMMISSION_BPS: '-1' }, 'KIS_COMMISSION_BPS')).toMatch(/basis points/);
    expect(problemOf({ KR_ALLOW_LEVERAGED: 'maybe' }, 'KR_ALLOW_LEVERAGED')).toMatch(/true or false/);
  });

  it.each(['08:45', '15:20', '15:25', 'close-5', 'open-10', '07:00', 'close+10'])('exits at %s (an auction or outside the session)', (t) => {
    expect(problemOf({ SCHEDULE_EXITS_KR: t }, 'SCHEDULE_EXITS_KR')).toMatch(/09:00.*15:20/);
  });

  it.each(['09:00', '15:10', 'close-11', 'open+5'])('exits at %s are in the continuous session', (t) => {
    expect(loadConfig({ SCHEDULE_EXITS_KR: t }).kr.schedule.exits).toEqual([t]);
  });

  it('a malformed or repeated KST time', () => {
    expect(problemOf({ SCHEDULE_SCANS_KR: '8am' }, 'SCHEDULE_SCANS_KR')).toMatch(/HH:MM/);
    expect(problemOf({ SCHEDULE_MARK_KR: 'close+10,15:40' }, 'SCHEDULE_MARK_KR')).toMatch(/twice/);
  });
});

import { describe, expect, it } from 'vitest';
import { MARKETS, isMarket, marketDescriptor } from '../../../../src/engine/market/index.js';

describe('market descriptors', () => {
  it('US is NYSE (XNYS) on New York time in dollars with 2 minor digits', () => {
    expect(marketDescriptor('US')).toEqual({ market: 'US', exchange: 'NYSE', mic: 'XNYS', timeZone: 'America/New_York', currency: 'USD', currencyMinorDigits: 2 });
  });

  it('KR is KRX (XKRX) on Seoul time in won with no minor digits', () => {
    expect(marketDescriptor('KR')).toEqual({ market: 'KR', exchange: 'KRX', mic: 'XKRX', timeZone: 'Asia/Seoul', currency: 'KRW', currencyMinorDigits: 0 });
  });

  it('refuses an unknown market naming the accepted ids, and the table is frozen', () => {
    expect(() => marketDescriptor('JP' as never)).toThrow(/use one of US, KR/);
    expect(isMarket('KR')).toBe(true);
    expect(isMarket('kr')).toBe(false);
    expect(Object.isFrozen(MARKETS.KR)).toBe(true);
  });
});

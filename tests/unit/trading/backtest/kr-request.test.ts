/**
 * KR backtest requests (issue 15, item 7): the market word or KRX codes make a KR request (won
 * capital, KIS commission, 069500 benchmark); US and KR symbols together are refused (no FX); a US
 * request serialises exactly as before (no market field, same hash inputs).
 */
import { describe, expect, it } from 'vitest';
import { parseBacktestTokens } from '../../../../src/bot/commands/backtest.js';
import {
  BacktestInputError,
  buildRequest,
  DEFAULT_INITIAL_CASH_KR,
  normaliseRequest,
  requestMarket,
  withKrCommissionRate,
} from '../../../../src/trading/backtest/request.js';

describe('KR backtest requests', () => {
  it('a KRX code without a market word is a KR request: won capital, KIS commission, 069500 benchmark', () => {
    const r = buildRequest({ strategies: ['donchian'], symbols: ['229200', '069500'] });
    expect(r.market).toBe('KR');
    expect(requestMarket(r)).toBe('KR');
    expect(r.universe).toEqual({ kind: 'symbols', symbols: ['069500', '229200'] });
    expect(r.initialCash).toBe(DEFAULT_INITIAL_CASH_KR);
    expect(DEFAULT_INITIAL_CASH_KR).toBe(10_000_000);
    expect(r.commission).toEqual({ kind: 'krw_rate', rate: 0.00015 });
    expect(r.benchmark).toBe('069500');
  });

  it('`/backtest donchian kr` is the stored KR universe; the KIS rate of the config replaces the default', () => {
    const r = parseBacktestTokens(['donchian', 'kr']);
    expect(r).toMatchObject({ market: 'KR', universe: { kind: 'universe', name: 'default' }, benchmark: '069500' });
    const charged = withKrCommissionRate(r, 0.0002);
    expect(charged.commission).toEqual({ kind: 'krw_rate', rate: 0.0002 });
    expect(parseBacktestTokens(['donchian', 'kr', '069500'], { krCommissionRate: 0.0001 }).commission).toEqual({ kind: 'krw_rate', rate: 0.0001 });
  });

  it('mixing US tickers and KRX codes is refused with a message saying why and what to send instead', () => {
    const mixed = () => buildRequest({ strategies: ['donchian'], symbols: ['SPY', '069500'] });
    expect(mixed).toThrow(BacktestInputError);
    expect(mixed).toThrow(/mixes US tickers \(SPY\) and KRX codes \(069500\).*no exchange rate.*\/backtest donchian kr 069500/);
    expect(() => parseBacktestTokens(['donchian', 'kr', 'SPY'])).toThrow(/SPY is a US ticker, but this backtest is for KR/);
    expect(() => parseBacktestTokens(['donchian', 'us', '069500'])).toThrow(/069500 is a KRX code, but this backtest is for US/);
    expect(() => parseBacktestTokens(['donchian', 'us', 'kr'])).toThrow(/names two markets/);
    expect(() => buildRequest({ strategies: ['donchian'], symbols: ['069500'], benchmark: 'SPY' })).toThrow(/benchmark SPY is a US ticker but the backtest is for KR/);
  });

  it('a stored KR request reads back as KR; won capital must be whole', () => {
    const r = buildRequest({ strategies: ['turtle_soup'], market: 'KR' });
    expect(normaliseRequest(JSON.parse(JSON.stringify(r)))).toEqual(r);
    expect(() => normaliseRequest({ ...r, initialCash: 1_000_000.5 })).toThrow(/whole won/);
    // A KRX code in a request that does not say KR (a US one) is still refused.
    const us = buildRequest({ strategies: ['donchian'], symbols: ['SPY'] });
    expect(() => normaliseRequest({ ...us, universe: { kind: 'symbols', symbols: ['122630'] } })).toThrow(/122630 is a KRX code, but this backtest is for US/);
  });

  it('US requests are unchanged: no market field, dollars, no commission, SPY', () => {
    const r = buildRequest({ strategies: ['donchian'], symbols: ['spy', 'GL'] });
    expect('market' in r).toBe(false);
    expect(r).toMatchObject({ initialCash: 100_000, commission: { kind: 'none' }, benchmark: 'SPY' });
    expect(parseBacktestTokens(['donchian', 'us', 'SPY'])).toEqual(parseBacktestTokens(['donchian', 'SPY']));
  });
});

describe('the chat market word is lower case only', () => {
  it('/backtest donchian KR backtests Kroger on the US market; kr is the KR market', async () => {
    const { parseBacktestTokens } = await import('../../../../src/bot/commands/backtest.js');
    const kroger = parseBacktestTokens(['donchian', 'KR']);
    expect(kroger.market).toBeUndefined();
    expect(kroger.universe).toEqual({ kind: 'symbols', symbols: ['KR'] });
    expect(parseBacktestTokens(['donchian', 'kr']).market).toBe('KR');
    expect(parseBacktestTokens(['donchian', 'KR', 'AAPL']).universe).toEqual({ kind: 'symbols', symbols: ['AAPL', 'KR'] });
  });
});

/**
 * Backtests run on the NYSE calendar with dollar sizing, so a request naming a KRX code (as a
 * symbol or as the benchmark) is refused, whichever way it arrives: built from user input or read
 * back from a queued job / stored run (normaliseRequest).
 */
import { describe, expect, it } from 'vitest';
import { BacktestInputError, buildRequest, normaliseRequest } from '../../../../src/trading/backtest/request.js';

const KR_NOT_YET = /KR backtests are not available yet/;

describe('backtest requests refuse symbols that are not on a US market', () => {
  it('refuses a KRX code among the symbols, naming it', () => {
    expect(() => buildRequest({ strategies: ['donchian'], symbols: ['SPY', '069500'] })).toThrow(BacktestInputError);
    expect(() => buildRequest({ strategies: ['donchian'], symbols: ['SPY', '069500'] })).toThrow(/069500.*KR backtests are not available yet/);
  });

  it('refuses a KRX benchmark', () => {
    expect(() => buildRequest({ strategies: ['donchian'], symbols: ['SPY'], benchmark: '069500' })).toThrow(KR_NOT_YET);
  });

  it('refuses a stored or queued request naming a KRX code', () => {
    const ok = buildRequest({ strategies: ['donchian'], symbols: ['SPY'] });
    expect(() => normaliseRequest({ ...ok, universe: { kind: 'symbols', symbols: ['122630'] } })).toThrow(KR_NOT_YET);
    expect(() => normaliseRequest({ ...ok, benchmark: '069500' })).toThrow(KR_NOT_YET);
  });

  it('refuses a decorated KRX code with the bare code suggested, and keeps US symbols', () => {
    expect(() => buildRequest({ strategies: ['donchian'], symbols: ['069500.KS'] })).toThrow(/069500/);
    const r = buildRequest({ strategies: ['donchian'], symbols: ['brk.b', 'SPY'], benchmark: 'qqq' });
    expect(r.universe).toEqual({ kind: 'symbols', symbols: ['BRK.B', 'SPY'] });
    expect(r.benchmark).toBe('QQQ');
  });
});

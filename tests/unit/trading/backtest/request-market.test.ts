/**
 * A backtest runs on one market (issue 15): a KRX code makes it a KR run, and a request that
 * mixes markets (as symbols, or a benchmark from the other market) is refused, whichever way it
 * arrives: built from user input or read back from a queued job / stored run (normaliseRequest).
 * There is no FX source, so dollars and won are never put in one run.
 */
import { describe, expect, it } from 'vitest';
import { BacktestInputError, buildRequest, normaliseRequest } from '../../../../src/trading/backtest/request.js';

describe('backtest requests stay on one market', () => {
  it('refuses US and KRX symbols in one run, naming the KRX code', () => {
    expect(() => buildRequest({ strategies: ['donchian'], symbols: ['SPY', '069500'] })).toThrow(BacktestInputError);
    expect(() => buildRequest({ strategies: ['donchian'], symbols: ['SPY', '069500'] })).toThrow(/069500/);
  });

  it('refuses a KRX benchmark for a US run, saying what to use', () => {
    expect(() => buildRequest({ strategies: ['donchian'], symbols: ['SPY'], benchmark: '069500' })).toThrow(/benchmark 069500 is a KRX code but the backtest is for US/);
  });

  it('refuses a stored or queued US request naming a KRX code', () => {
    const ok = buildRequest({ strategies: ['donchian'], symbols: ['SPY'] });
    expect(() => normaliseRequest({ ...ok, universe: { kind: 'symbols', symbols: ['122630'] } })).toThrow(/122630/);
    expect(() => normaliseRequest({ ...ok, benchmark: '069500' })).toThrow(/benchmark 069500 is a KRX code/);
  });

  it('refuses a decorated KRX code with the bare code suggested, and keeps US symbols', () => {
    expect(() => buildRequest({ strategies: ['donchian'], symbols: ['069500.KS'] })).toThrow(/069500/);
    const r = buildRequest({ strategies: ['donchian'], symbols: ['brk.b', 'SPY'], benchmark: 'qqq' });
    expect(r.universe).toEqual({ kind: 'symbols', symbols: ['BRK.B', 'SPY'] });
    expect(r.benchmark).toBe('QQQ');
  });
});

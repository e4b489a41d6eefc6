import { describe, expect, it } from 'vitest';
import {
  BacktestInputError,
  buildRequest,
  formatSizing,
  normaliseRequest,
  parseSizingSpec,
  parseStrategyChoice,
  requestHash,
  requestKey,
  splitParamPairs,
} from '../../../../src/trading/backtest/request.js';
import { DONCHIAN_DEFAULTS } from '../../../../src/engine/strategies/index.js';

describe('sizing specs', () => {
  it.each([
    ['shares:100', { kind: 'shares', n: 100 }],
    ['dollars:2500.5', { kind: 'dollars', n: 2500.5 }],
    ['equity:10', { kind: 'equity', pct: 0.1 }],
    ['risk:1', { kind: 'risk', pct: 0.01 }],
    ['risk:0.5%', { kind: 'risk', pct: 0.005 }],
    ['RISK = 2', { kind: 'risk', pct: 0.02 }],
  ])('%s', (spec, want) => {
    expect(parseSizingSpec(spec)).toEqual(want);
  });

  it.each(['shares', 'shares:', 'shares:1.5', 'shares:-1', 'risk:0', 'risk:101', 'equity:abc', 'kelly:1', 'dollars:5%', ''])('rejects %j with the accepted forms', (spec) => {
    expect(() => parseSizingSpec(spec)).toThrow(BacktestInputError);
    expect(() => parseSizingSpec(spec)).toThrow(/shares:N|positive|whole|at most 100|percentage/);
  });

  it('formats back to the typed form', () => {
    expect(formatSizing(parseSizingSpec('risk:1'))).toBe('risk:1%');
    expect(formatSizing(parseSizingSpec('shares:7'))).toBe('shares:7');
  });
});

describe('strategy choice and --param routing', () => {
  it('accepts ids, all and aliases', () => {
    expect(parseStrategyChoice('donchian')).toEqual(['donchian']);
    expect(parseStrategyChoice('Turtle-Soup')).toEqual(['turtle_soup']);
    expect(parseStrategyChoice('all')).toEqual(['donchian', 'turtle_soup']);
    expect(() => parseStrategyChoice('macd')).toThrow(/unknown strategy "macd".*donchian, turtle_soup, all/);
  });

  it('routes k=v to the single strategy and requires strategy.k=v with several', () => {
    expect(splitParamPairs(['donchian'], ['lookback=20'])).toEqual({ donchian: ['lookback=20'] });
    expect(splitParamPairs(['donchian', 'turtle_soup'], ['donchian.lookback=20', 'turtle_soup.lookback=10'])).toEqual({
      donchian: ['lookback=20'],
      turtle_soup: ['lookback=10'],
    });
    expect(() => splitParamPairs(['donchian', 'turtle_soup'], ['lookback=20'])).toThrow(/strategy\.key=value/);
    expect(() => splitParamPairs(['donchian'], ['turtle_soup.lookback=20'])).toThrow(/not part of this backtest/);
    expect(() => splitParamPairs(['donchian'], ['macd.fast=12'])).toThrow(/not a strategy/);
  });

  it('reports bad parameters with the list of valid keys', () => {
    expect(() => buildRequest({ strategies: ['donchian'], params: { donchian: ['lookbak=20'] } })).toThrow(/unknown parameter 'lookbak'.*Valid parameters: lookback/);
    expect(() => buildRequest({ strategies: ['donchian'], params: { donchian: ['lookback=0'] } })).toThrow(/lookback=0 is invalid/);
  });
});

describe('request normalisation and hash', () => {
  const base = { strategies: ['donchian', 'turtle_soup'] as const, symbols: ['spy', 'GL', 'rvlv', 'GL'] };

  it('normalises symbols, strategy order and default params', () => {
    const r = buildRequest({ ...base, strategies: ['turtle_soup', 'donchian'] });
    expect(r.universe).toEqual({ kind: 'symbols', symbols: ['GL', 'RVLV', 'SPY'] });
    expect(r.strategies.map((s) => s.id)).toEqual(['donchian', 'turtle_soup']);
    expect(r.strategies[0]!.params).toEqual({ ...DONCHIAN_DEFAULTS });
    expect(r.sizing).toEqual({ kind: 'risk', pct: 0.01 });
    expect(r.slippageBps).toBe(5);
  });

  it('equal meaning → equal hash, whatever the spelling', () => {
    const a = requestHash(buildRequest({ ...base }));
    const b = requestHash(buildRequest({ strategies: ['turtle_soup', 'donchian'], symbols: ['RVLV', 'spy', 'gl'], params: { donchian: ['lookback=55', 'stop_atr_mult=2'] } }));
    expect(b).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(requestKey(a)).toBe(a.slice(0, 20));
    // Re-normalising a stored request keeps the hash.
    expect(requestHash(normaliseRequest(JSON.parse(JSON.stringify(buildRequest({ ...base })))))).toBe(a);
  });

  it('any change of meaning changes the hash', () => {
    const h = (over: Partial<Parameters<typeof buildRequest>[0]>) => requestHash(buildRequest({ ...base, ...over }));
    const all = [
      h({}),
      h({ params: { donchian: ['lookback=20'] } }),
      h({ symbols: ['SPY'] }),
      h({ symbols: null }),
      h({ from: '2020-01-01' }),
      h({ to: '2024-12-31' }),
      h({ sizing: { kind: 'shares', n: 10 } }),
      h({ slippageBps: 0 }),
      h({ initialCash: 50_000 }),
      h({ walkForward: true }),
      h({ monteCarloRuns: 1000 }),
      h({ monteCarloRuns: 1000, seed: 2 }),
      h({ strategies: ['donchian'] }),
    ];
    expect(new Set(all).size).toBe(all.length);
  });

  it('rejects bad dates and ranges', () => {
    expect(() => buildRequest({ ...base, from: '2024-02-30' })).toThrow(/not a valid YYYY-MM-DD/);
    expect(() => buildRequest({ ...base, from: '2024-05-01', to: '2024-01-01' })).toThrow(/after/);
    expect(() => buildRequest({ ...base, symbols: ['BAD SYMBOL'] })).toThrow(/not a ticker/);
    expect(() => buildRequest({ ...base, monteCarloRuns: 0 })).toThrow(/Monte Carlo runs/);
  });

  it('rejects malformed stored requests', () => {
    expect(() => normaliseRequest({ v: 2 })).toThrow(/invalid backtest request/);
    const r = JSON.parse(JSON.stringify(buildRequest({ ...base }))) as Record<string, unknown>;
    expect(() => normaliseRequest({ ...r, extra: 1 })).toThrow(/invalid backtest request/);
  });
});

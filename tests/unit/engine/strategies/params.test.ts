import { describe, expect, it } from 'vitest';
import {
  DONCHIAN,
  DONCHIAN_DEFAULTS,
  StrategyParamError,
  TURTLE_SOUP,
  TURTLE_SOUP_DEFAULTS,
} from '../../../../src/engine/strategies/index.js';

function parseError(fn: () => unknown): StrategyParamError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StrategyParamError);
    return e as StrategyParamError;
  }
  return expect.fail('expected a StrategyParamError');
}

describe('parseParams', () => {
  it('returns the defaults for no pairs', () => {
    expect(DONCHIAN.parseParams([])).toEqual(DONCHIAN_DEFAULTS);
    expect(TURTLE_SOUP.parseParams([])).toEqual(TURTLE_SOUP_DEFAULTS);
  });

  it('overrides only the given keys, parsing numbers and null', () => {
    expect(DONCHIAN.parseParams(['lookback=20', 'targetR=1.5', 'minPrice=0'])).toEqual({
      ...DONCHIAN_DEFAULTS,
      lookback: 20,
      targetR: 1.5,
      minPrice: 0,
    });
    expect(TURTLE_SOUP.parseParams(['maxIbs=0.3'])).toEqual({ ...TURTLE_SOUP_DEFAULTS, maxIbs: 0.3 });
    expect(DONCHIAN.parseParams(['targetR=null']).targetR).toBeNull();
  });

  it('accepts chat-friendly spellings of keys: any case, snake_case or kebab-case', () => {
    expect(DONCHIAN.parseParams(['stop_atr_mult=3', 'TIMESTOPBARS=7', 'sma-period=100'])).toMatchObject({
      stopAtrMult: 3,
      timeStopBars: 7,
      smaPeriod: 100,
    });
    expect(TURTLE_SOUP.parseParams([' max_ibs = none ']).maxIbs).toBeNull();
  });

  it('rejects an unknown key and lists every valid key with its type and default', () => {
    const e = parseError(() => DONCHIAN.parseParams(['lookbak=20']));
    expect(e.message).toContain("unknown parameter 'lookbak'");
    for (const key of Object.keys(DONCHIAN_DEFAULTS)) expect(e.message).toContain(`${key} (`);
    expect(e.message).toContain('lookback (integer >= 1');
    expect(e.message).toContain('targetR (number > 0 or null');
    expect(e.message).toContain('default 55');
    expect(e.strategy).toBe('donchian');
  });

  it('rejects bad values with the expected type', () => {
    const cases: [string, RegExp][] = [
      ['lookback=2.5', /lookback=2\.5 is invalid \(expected integer >= 1/],
      ['lookback=0', /lookback=0 is invalid/],
      ['lookback=abc', /lookback=abc is invalid/],
      ['lookback=', /lookback= is invalid/],
      ['stopAtrMult=-1', /stopAtrMult=-1 is invalid \(expected number > 0/],
      ['lookback=null', /lookback=null is invalid/],
      ['targetR=0', /targetR=0 is invalid/],
    ];
    for (const [pair, re] of cases) expect(parseError(() => DONCHIAN.parseParams([pair])).message).toMatch(re);
    expect(parseError(() => TURTLE_SOUP.parseParams(['maxIbs=1.5'])).message).toMatch(/maxIbs=1\.5 is invalid \(expected number in \[0, 1\]/);
  });

  it('rejects malformed and repeated pairs', () => {
    expect(parseError(() => DONCHIAN.parseParams(['lookback'])).message).toContain("expected key=value, got 'lookback'");
    expect(parseError(() => DONCHIAN.parseParams(['=5'])).message).toContain('expected key=value');
    expect(parseError(() => DONCHIAN.parseParams(['lookback=20', 'look_back=30'])).message).toContain(
      "parameter 'lookback' given more than once",
    );
  });

  it('reports every problem at once', () => {
    const e = parseError(() => DONCHIAN.parseParams(['foo=1', 'bar=2']));
    expect(e.problems).toEqual(["unknown parameter 'foo'", "unknown parameter 'bar'"]);
  });

  it('rejects a Turtle Soup minBarsSinceLow that could never be met', () => {
    expect(TURTLE_SOUP.parseParams(['lookback=10', 'minBarsSinceLow=10']).minBarsSinceLow).toBe(10);
    expect(parseError(() => TURTLE_SOUP.parseParams(['lookback=10', 'minBarsSinceLow=11'])).message).toContain(
      'minBarsSinceLow: must be <= lookback',
    );
  });
});

describe('resolveParams', () => {
  it('merges overrides into the defaults and validates them', () => {
    expect(DONCHIAN.resolveParams()).toEqual(DONCHIAN_DEFAULTS);
    expect(DONCHIAN.resolveParams({ lookback: 20 })).toEqual({ ...DONCHIAN_DEFAULTS, lookback: 20 });
    expect(parseError(() => DONCHIAN.resolveParams({ lookback: -3 })).message).toMatch(/lookback=-3 is invalid/);
    expect(parseError(() => DONCHIAN.resolveParams({ nope: 1 } as never)).message).toMatch(/unknown parameter\(s\) nope/);
  });

  it('never hands out the shared defaults object', () => {
    expect(Object.isFrozen(DONCHIAN_DEFAULTS)).toBe(true);
    expect(DONCHIAN.parseParams([])).not.toBe(DONCHIAN_DEFAULTS);
  });
});

import { describe, expect, it } from 'vitest';
import { ChartRequestError, paramsFromQuery, parseChartRequest } from '../../../../src/dev/quickchart/params.js';

const chart = { type: 'bar', data: { labels: ['a'], datasets: [{ data: [1] }] } };

describe('QuickChart emulator request parsing', () => {
  it('applies QuickChart defaults and parses a JSON chart string', () => {
    const r = parseChartRequest({ chart: JSON.stringify(chart), version: '4' });
    expect(r).toEqual({ chart, width: 500, height: 300, devicePixelRatio: 2, backgroundColor: 'transparent', format: 'png', version: '4' });
  });

  it('maps GET short names and coerces numbers', () => {
    const q = new URLSearchParams({ c: JSON.stringify(chart), w: '640', h: '320', bkg: 'white', f: 'png', v: '4.4.1', devicePixelRatio: '1' });
    expect(parseChartRequest(paramsFromQuery(q))).toMatchObject({ width: 640, height: 320, backgroundColor: 'white', version: '4.4.1', devicePixelRatio: 1 });
  });

  it.each([
    [{ chart, version: '2.9.4' }, /send version "4"/],
    [{ chart }, /Chart.js version "2.9.4" is not available/],
    [{ chart: "{type:'bar'}", version: '4' }, /does not evaluate JavaScript/],
    [{ chart: '[1,2]', version: '4' }, /JSON object/],
    [{ chart, version: '4', format: 'svg' }, /request format png/],
    [{ chart, version: '4', width: 3000, height: 3000, devicePixelRatio: 3 }, /too many/],
    [{ chart, version: '4', width: 'wide' }, /invalid width/],
    [{ version: '4' }, /invalid chart/],
  ])('rejects %j', (raw, message) => {
    expect(() => parseChartRequest(raw)).toThrow(ChartRequestError);
    expect(() => parseChartRequest(raw)).toThrow(message);
  });
});

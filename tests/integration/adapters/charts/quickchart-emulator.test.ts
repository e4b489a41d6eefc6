import QuickChartModule from 'quickchart-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toChartJsConfig } from '../../../../src/adapters/charts/chartjs-config.js';
import { startQuickChartEmulator, type QuickChartEmulator } from '../../../../src/dev/quickchart/server.js';
import { pnlSpec } from '../../../unit/adapters/charts/helpers/fixtures.js';
import { decodePng, inkFraction, pixel } from '../../../unit/adapters/charts/helpers/png.js';

type QuickChartClass = typeof QuickChartModule.default;
const QuickChart = ((QuickChartModule as unknown as { default?: QuickChartClass }).default ?? QuickChartModule) as QuickChartClass;

let emu: QuickChartEmulator;
beforeAll(async () => {
  emu = await startQuickChartEmulator({ maxBodyBytes: 64 * 1024 });
});
afterAll(async () => {
  await emu.close();
});

const config = JSON.stringify(toChartJsConfig(pnlSpec()));
const post = (body: unknown) =>
  fetch(`${emu.url}/chart`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('QuickChart emulator', () => {
  it('listens on loopback only', () => {
    expect(emu.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers the health check', async () => {
    const res = await fetch(`${emu.url}/healthcheck`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ success: true });
  });

  it('serves GET /chart built by quickchart-js getUrl()', async () => {
    const u = new URL(emu.url);
    const qc = new QuickChart().setHost(u.host).setScheme('http').setConfig(config).setVersion('4').setWidth(320).setHeight(240).setBackgroundColor('#ffffff');
    const res = await fetch(qc.getUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const img = decodePng(Buffer.from(await res.arrayBuffer()));
    // quickchart-js leaves devicePixelRatio out of GET URLs when it is 1, and QuickChart's default is 2.
    expect([img.width, img.height]).toEqual([640, 480]);
    expect(inkFraction(img)).toBeGreaterThan(0.02);
  });

  it('POST defaults to QuickChart defaults: 500×300 at ratio 2, transparent', async () => {
    const res = await post({ chart: config, version: '4' });
    expect(res.status).toBe(200);
    const img = decodePng(Buffer.from(await res.arrayBuffer()));
    expect([img.width, img.height]).toEqual([1000, 600]);
    expect(pixel(img, 0, 0)[3]).toBe(0);
  });

  it('accepts the chart as an object too', async () => {
    const res = await post({ chart: JSON.parse(config), version: '4', width: 300, height: 200, devicePixelRatio: 1 });
    expect(res.status).toBe(200);
    expect(decodePng(Buffer.from(await res.arrayBuffer())).width).toBe(300);
  });

  it.each([
    ['a Chart.js 2 request', { chart: config }, 400, /send version "4"/],
    ['an unknown chart type', { chart: { type: 'nope', data: { labels: ['a'], datasets: [{ data: [1] }] } }, version: '4' }, 400, /not a registered controller/],
    ['a JavaScript config', { chart: "{type:'bar'}", version: '4' }, 400, /does not evaluate JavaScript/],
    ['a non-JSON body', 'chart=1', 400, /body is not JSON/],
    ['an oversized body', { chart: 'x'.repeat(70 * 1024), version: '4' }, 413, /larger than/],
  ])('rejects %s with a QuickChart-style error header', async (_name, body, status, message) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('x-quickchart-error')).toMatch(message);
    await res.body?.cancel();
  });

  it('404s unknown routes and 405s other methods', async () => {
    expect((await fetch(`${emu.url}/nope`)).status).toBe(404);
    expect((await fetch(`${emu.url}/chart`, { method: 'DELETE' })).status).toBe(405);
  });
});

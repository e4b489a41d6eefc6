import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChartSpecError, QuickChartError } from '../../../../src/adapters/charts/errors.js';
import { QuickChartRenderer } from '../../../../src/adapters/charts/quickchart-renderer.js';
import { DOWN_COLOR, LEVEL_COLORS, UP_COLOR } from '../../../../src/adapters/charts/theme.js';
import { startQuickChartEmulator, type QuickChartEmulator } from '../../../../src/dev/quickchart/server.js';
import { candleSpec, equitySpec, pnlSpec } from '../../../unit/adapters/charts/helpers/fixtures.js';
import { countColor, decodePng, distinctColors, hexToRgb, pixel } from '../../../unit/adapters/charts/helpers/png.js';

let emulator: QuickChartEmulator;
beforeAll(async () => {
  emulator = await startQuickChartEmulator();
});
afterAll(async () => {
  await emulator.close();
});

describe('QuickChartRenderer against the emulator', () => {
  it('renders candles in the default floating-bar form (what stock QuickChart can draw)', async () => {
    const png = await new QuickChartRenderer({ baseUrl: emulator.url }).render(candleSpec());
    const img = decodePng(png);
    expect([img.width, img.height]).toEqual([900, 500]);
    expect(pixel(img, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(distinctColors(img)).toBeGreaterThan(200);
    expect(countColor(img, hexToRgb(UP_COLOR))).toBeGreaterThan(500);
    expect(countColor(img, hexToRgb(DOWN_COLOR))).toBeGreaterThan(500);
    expect(countColor(img, hexToRgb(LEVEL_COLORS.stop))).toBeGreaterThan(200);
  });

  it('renders the financial candlestick form when asked', async () => {
    const r = new QuickChartRenderer({ baseUrl: `${emulator.url}/`, candleStyle: 'financial' });
    const img = decodePng(await r.render(candleSpec()));
    expect(countColor(img, hexToRgb(UP_COLOR))).toBeGreaterThan(500);
    expect(countColor(img, hexToRgb(DOWN_COLOR))).toBeGreaterThan(500);
  });

  it('passes size and deviceScaleFactor through', async () => {
    const r = new QuickChartRenderer({ baseUrl: emulator.url });
    const line = decodePng(await r.render({ ...equitySpec(), deviceScaleFactor: 2 }));
    expect([line.width, line.height]).toEqual([1800, 1000]);
    const bars = decodePng(await r.render(pnlSpec({ width: 400, height: 300 })));
    expect([bars.width, bars.height]).toEqual([400, 300]);
    expect(countColor(bars, hexToRgb(UP_COLOR))).toBeGreaterThan(500);
  });

  it('validates the spec before any request', async () => {
    const r = new QuickChartRenderer({ baseUrl: 'http://127.0.0.1:9' });
    await expect(r.render(candleSpec({ deviceScaleFactor: 5 }))).rejects.toBeInstanceOf(ChartSpecError);
  });
});

/** A throwaway server that answers every request with `handler`. */
async function fakeServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function failure(r: QuickChartRenderer): Promise<QuickChartError> {
  const err = await r.render(pnlSpec()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(QuickChartError);
  expect((err as Error).message).toMatch(/check QUICKCHART_URL/);
  return err as QuickChartError;
}

describe('QuickChartRenderer error paths', () => {
  it('unreachable server', async () => {
    const { url, server } = await fakeServer(() => {});
    await stop(server); // the port is now closed
    const err = await failure(new QuickChartRenderer({ baseUrl: url }));
    expect(err.reason).toBe('unreachable');
    expect(err.message).toContain(url);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('200 that is not a PNG (e.g. a web page at the wrong URL)', async () => {
    const { url, server } = await fakeServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hi</html>'));
    try {
      const err = await failure(new QuickChartRenderer({ baseUrl: url }));
      expect(err.reason).toBe('not-png');
      expect(err.message).toMatch(/text\/html, not a PNG/);
    } finally {
      await stop(server);
    }
  });

  it('HTTP error carries the server-side reason', async () => {
    const { url, server } = await fakeServer((_req, res) => res.writeHead(500, { 'x-quickchart-error': 'boom' }).end());
    try {
      const err = await failure(new QuickChartRenderer({ baseUrl: url }));
      expect(err.reason).toBe('http-status');
      expect(err.message).toMatch(/HTTP 500: boom/);
    } finally {
      await stop(server);
    }
  });

  it('a base URL with the wrong path surfaces as an HTTP error with the server reason', async () => {
    const err = await failure(new QuickChartRenderer({ baseUrl: `${emulator.url}/nowhere` }));
    expect(err.reason).toBe('http-status');
    expect(err.message).toMatch(/HTTP 404: no route \/nowhere\/chart/);
  });

  it('server that never answers', async () => {
    const { url, server } = await fakeServer(() => {
      /* hold the request open */
    });
    try {
      const started = Date.now();
      const err = await failure(new QuickChartRenderer({ baseUrl: url, timeoutMs: 200 }));
      expect(err.reason).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await stop(server);
    }
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => new QuickChartRenderer({ baseUrl: 'not a url' })).toThrow(/is not a URL/);
    expect(() => new QuickChartRenderer({ baseUrl: 'ftp://x' })).toThrow(/must be http/);
  });
});

import { describe, expect, it } from 'vitest';
import { renderChartJsConfig } from '../../../../src/adapters/charts/chartjs-runtime.js';
import { ChartRenderError } from '../../../../src/adapters/charts/errors.js';
import { LocalChartRenderer } from '../../../../src/adapters/charts/local-renderer.js';
import { DOWN_COLOR, LEVEL_COLORS, UP_COLOR } from '../../../../src/adapters/charts/theme.js';
import { candleSpec, equitySpec, pnlSpec } from './helpers/fixtures.js';
import { countColor, decodePng, distinctColors, hexToRgb, inkFraction, pixel } from './helpers/png.js';

const renderer = new LocalChartRenderer();

describe('LocalChartRenderer', () => {
  it('draws a 120-bar candle chart with overlays, levels and watermark', async () => {
    const img = decodePng(await renderer.render(candleSpec()));
    expect([img.width, img.height]).toEqual([900, 500]);
    // Opaque white background, not a transparent canvas.
    expect(pixel(img, 0, 0)).toEqual([255, 255, 255, 255]);
    expect(pixel(img, 899, 499)).toEqual([255, 255, 255, 255]);
    expect(distinctColors(img)).toBeGreaterThan(200);
    const ink = inkFraction(img);
    expect(ink).toBeGreaterThan(0.05);
    expect(ink).toBeLessThan(0.9);
    // Solid candle bodies: both directions present in quantity.
    expect(countColor(img, hexToRgb(UP_COLOR))).toBeGreaterThan(500);
    expect(countColor(img, hexToRgb(DOWN_COLOR))).toBeGreaterThan(500);
    // Level label boxes are filled with the level colour.
    for (const role of ['entry', 'stop', 'target'] as const) {
      expect(countColor(img, hexToRgb(LEVEL_COLORS[role])), role).toBeGreaterThan(200);
    }
  });

  it('scales output pixels by deviceScaleFactor', async () => {
    const img = decodePng(await renderer.render(candleSpec({ width: 600, height: 400, deviceScaleFactor: 2 })));
    expect([img.width, img.height]).toEqual([1200, 800]);
    expect(countColor(img, hexToRgb(UP_COLOR))).toBeGreaterThan(1000);
  });

  it('draws the equity + drawdown chart', async () => {
    const img = decodePng(await renderer.render(equitySpec()));
    expect([img.width, img.height]).toEqual([900, 500]);
    expect(distinctColors(img)).toBeGreaterThan(100);
    expect(inkFraction(img)).toBeGreaterThan(0.03);
    // The drawdown area is a translucent red fill over white.
    const [r, g, b] = hexToRgb(DOWN_COLOR);
    const tint = [Math.round(255 + (r - 255) * 0.25), Math.round(255 + (g - 255) * 0.25), Math.round(255 + (b - 255) * 0.25)];
    let tinted = 0;
    for (let i = 0; i < img.rgba.length; i += 4) {
      if (Math.abs(img.rgba[i]! - tint[0]!) <= 2 && Math.abs(img.rgba[i + 1]! - tint[1]!) <= 2 && Math.abs(img.rgba[i + 2]! - tint[2]!) <= 2) tinted++;
    }
    expect(tinted).toBeGreaterThan(500);
  });

  it('draws P&L bars green and red', async () => {
    const img = decodePng(await renderer.render(pnlSpec({ horizontal: true })));
    expect(countColor(img, hexToRgb(UP_COLOR))).toBeGreaterThan(2000);
    expect(countColor(img, hexToRgb(DOWN_COLOR))).toBeGreaterThan(2000);
  });

  it('reports configs Chart.js cannot draw as ChartRenderError', async () => {
    const err = await renderChartJsConfig({ type: 'nope', data: { labels: ['a'], datasets: [{ data: [1] }] } }, { width: 300, height: 200, devicePixelRatio: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChartRenderError);
    expect((err as Error).message).toMatch(/"nope" is not a registered controller.*check the chart type/);
  });

  it('renders a 120-bar candle chart quickly after warm-up', async () => {
    const spec = candleSpec();
    for (let i = 0; i < 3; i++) await renderer.render(spec);
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      await renderer.render(spec);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.info(`local 120-bar candle render: median ${median.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms`);
    // Target is well under 100 ms (≈35 ms on an idle 2-vCPU box). This is only a regression
    // guard: assert on the best run with headroom, because on a shared machine the median
    // measures the neighbours rather than the renderer.
    expect(times[0]!).toBeLessThan(250);
  });
});

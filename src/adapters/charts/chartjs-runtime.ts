/**
 * The in-process Chart.js path: draws any Chart.js 4 config on an
 * @napi-rs/canvas (Skia) canvas and encodes PNG. Shared by the local
 * renderer and the QuickChart emulator so both draw identically.
 *
 * No DOM is needed: without `window`/`document` Chart.js picks its
 * BasicPlatform, which only asks the canvas for a 2D context.
 */
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type ChartItem, type Plugin } from 'chart.js';
import { CandlestickController, CandlestickElement } from 'chartjs-chart-financial/dist/chartjs-chart-financial.esm.js';
import annotationPlugin from 'chartjs-plugin-annotation';
import { ChartRenderError } from './errors.js';

/** Pixel geometry and background of one render. */
export interface RasterOptions {
  /** CSS pixels. */
  readonly width: number;
  readonly height: number;
  /** Output is `width × devicePixelRatio` pixels wide. */
  readonly devicePixelRatio: number;
  /** CSS colour painted under the chart; omit or `"transparent"` for none. */
  readonly backgroundColor?: string;
}

let registered = false;

/** Chart.js keeps a global registry; registering twice is harmless but wasteful, so do it once. */
function ensureRegistered(): void {
  if (registered) return;
  Chart.register(...registerables, CandlestickController, CandlestickElement, annotationPlugin);
  registered = true;
}

/** Chart.js has no background option; the documented way is a plugin that paints before drawing. */
function backgroundPlugin(color: string): Plugin {
  return {
    id: 'courtsideBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
}

/**
 * Renders a Chart.js config to PNG bytes.
 *
 * The config is deep-copied first (Chart.js annotates the objects it is
 * given) and forced to be static: no animation, no responsive resizing.
 * Throws {@link ChartRenderError} when Chart.js rejects the config, e.g. an
 * unregistered chart type.
 */
export async function renderChartJsConfig(config: object, raster: RasterOptions): Promise<Buffer> {
  ensureRegistered();
  const cfg = structuredClone(config) as ChartConfiguration;
  cfg.options = { ...cfg.options, animation: false, responsive: false, devicePixelRatio: raster.devicePixelRatio };
  const bg = raster.backgroundColor;
  if (bg && bg !== 'transparent') cfg.plugins = [...(cfg.plugins ?? []), backgroundPlugin(bg)];

  const canvas = createCanvas(raster.width, raster.height);
  let chart: Chart | undefined;
  try {
    // With animation off the constructor lays out and draws synchronously.
    chart = new Chart(canvas as unknown as ChartItem, cfg);
    // encode() runs on libuv's pool so the event loop is not blocked while compressing.
    return await canvas.encode('png');
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ChartRenderError(`Chart.js could not draw this config (${why}); check the chart type and dataset options`, {
      cause: err,
    });
  } finally {
    // Releases the context and Chart.js' instance registry entry; after encoding, not before, because it clears the canvas.
    chart?.destroy();
  }
}

/** {@link ChartRenderer} that draws in-process with Chart.js on @napi-rs/canvas. */
import { toChartJsConfig } from './chartjs-config.js';
import { renderChartJsConfig } from './chartjs-runtime.js';
import type { ChartRenderer, ChartSpec } from './port.js';
import { BACKGROUND_COLOR } from './theme.js';
import { validateSpec } from './validate.js';

/**
 * Renders on the bot's own CPU: no network, ~tens of ms for a 120-bar candle
 * chart after warm-up. Chart.js drawing is synchronous, so very large volumes
 * of charts would want a worker thread; the bot's chat-driven load does not.
 */
export class LocalChartRenderer implements ChartRenderer {
  readonly name = 'local';

  async render(spec: ChartSpec): Promise<Buffer> {
    const size = validateSpec(spec);
    const config = toChartJsConfig(spec, { candleStyle: 'financial' });
    return renderChartJsConfig(config, {
      width: size.width,
      height: size.height,
      devicePixelRatio: size.deviceScaleFactor,
      backgroundColor: BACKGROUND_COLOR,
    });
  }
}

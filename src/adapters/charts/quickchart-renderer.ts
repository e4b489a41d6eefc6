/**
 * {@link ChartRenderer} backed by the user's own QuickChart server.
 *
 * quickchart-js builds the request (payload shape, Chart.js version, sizes);
 * the POST itself goes through Node's fetch because quickchart-js' toBinary()
 * has no timeout or abort, and a hung chart server must not hang a chat reply.
 */
import quickchartModule from 'quickchart-js';
import { toChartJsConfig, type CandleStyle } from './chartjs-config.js';
import { ChartSpecError, QuickChartError } from './errors.js';
import { looksLikePng } from './png.js';
import type { ChartRenderer, ChartSpec } from './port.js';
import { BACKGROUND_COLOR } from './theme.js';
import { validateSpec } from './validate.js';

export interface QuickChartRendererOptions {
  /** Base URL of the server, e.g. `http://quickchart:3400` (the value of QUICKCHART_URL). */
  readonly baseUrl: string;
  /** Per-request deadline; default 10 s. */
  readonly timeoutMs?: number;
  /**
   * Default `floating`, which plain Chart.js 4 can draw. Use `financial` only
   * against a server that has chartjs-chart-financial registered for Chart.js 4
   * (our emulator does; stock QuickChart does not).
   */
  readonly candleStyle?: CandleStyle;
  /** Only needed for servers that require a key. */
  readonly apiKey?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * quickchart-js ships CommonJS-style typings (so TypeScript sees the class at
 * `.default`) but Node loads its ESM build, whose default export is the class
 * itself. Accept either shape.
 */
type QuickChartClass = typeof quickchartModule.default;
const QuickChart: QuickChartClass =
  (quickchartModule as unknown as { default?: QuickChartClass }).default ?? (quickchartModule as unknown as QuickChartClass);

export class QuickChartRenderer implements ChartRenderer {
  readonly name = 'quickchart';
  private readonly baseUrl: URL;
  private readonly timeoutMs: number;
  private readonly candleStyle: CandleStyle;
  private readonly apiKey: string | undefined;

  constructor(options: QuickChartRendererOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new ChartSpecError(`QUICKCHART_URL ${JSON.stringify(options.baseUrl)} is not a URL; use e.g. http://127.0.0.1:3400`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ChartSpecError(`QUICKCHART_URL must be http(s), got ${url.protocol}`);
    }
    this.baseUrl = url;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.candleStyle = options.candleStyle ?? 'floating';
    this.apiKey = options.apiKey;
  }

  async render(spec: ChartSpec): Promise<Buffer> {
    const size = validateSpec(spec);
    const qc = new QuickChart(this.apiKey)
      // A JSON string, not the object: quickchart-js would otherwise serialise it as a
      // JavaScript literal, which only a server willing to evaluate code can read.
      .setConfig(JSON.stringify(toChartJsConfig(spec, { candleStyle: this.candleStyle })))
      .setWidth(size.width)
      .setHeight(size.height)
      .setDevicePixelRatio(size.deviceScaleFactor)
      .setBackgroundColor(BACKGROUND_COLOR)
      .setFormat('png')
      // quickchart-js defaults to Chart.js 2.9.4; our configs are Chart.js 4.
      .setVersion('4');
    return this.post(qc.getPostData());
  }

  private async post(payload: object): Promise<Buffer> {
    const endpoint = new URL('chart', this.baseUrl.href.endsWith('/') ? this.baseUrl : `${this.baseUrl.href}/`);
    const shown = this.baseUrl.href;
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'image/png' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      if (err instanceof Error && err.name === 'TimeoutError') {
        throw new QuickChartError('timeout', shown, `no response within ${this.timeoutMs} ms`, { cause: err });
      }
      throw new QuickChartError('unreachable', shown, `cannot connect (${describe(err)})`, { cause: err });
    }
    if (!res.ok) {
      // QuickChart puts the reason in this header; the body may be an error image.
      const reason = res.headers.get('x-quickchart-error');
      await res.body?.cancel();
      throw new QuickChartError('http-status', shown, `HTTP ${res.status}${reason ? `: ${reason}` : ''}`);
    }
    let body: Buffer;
    try {
      body = Buffer.from(await res.arrayBuffer());
    } catch (err) {
      const kind = err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'unreachable';
      throw new QuickChartError(kind, shown, `response body failed (${describe(err)})`, { cause: err });
    }
    if (!looksLikePng(body)) {
      const type = res.headers.get('content-type') ?? 'no content-type';
      throw new QuickChartError('not-png', shown, `answered 200 with ${type}, not a PNG; is this URL really a QuickChart server?`);
    }
    return body;
  }
}

/** fetch wraps socket errors as "fetch failed" with the useful code in `cause`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

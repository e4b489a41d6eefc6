/**
 * The chart port: our own small, typed description of the few charts the bot
 * sends, and the interface every rendering backend implements.
 *
 * Callers never build Chart.js configs themselves, so swapping the in-process
 * renderer for a QuickChart server (or anything else) is a wiring change only.
 */

/** A numeric series aligned to the x axis; `null` or NaN marks a gap (e.g. indicator warm-up). */
export type SeriesValues = ArrayLike<number | null>;

/** Fields shared by every chart kind. */
export interface ChartFrame {
  /** Shown above the plot, e.g. "SPY · Donchian 55 breakout". */
  readonly title: string;
  /** CSS pixels; defaults to {@link DEFAULT_WIDTH}. */
  readonly width?: number;
  /** CSS pixels; defaults to {@link DEFAULT_HEIGHT}. */
  readonly height?: number;
  /**
   * 1–2. The PNG is `width × deviceScaleFactor` pixels wide; 2 looks sharp on
   * phones but quadruples the pixel count.
   */
  readonly deviceScaleFactor?: number;
  /** Large faint text across the plot, e.g. "DEMO" for paper-trading charts. */
  readonly watermark?: string;
}

/** One daily bar. `date` is an ISO `YYYY-MM-DD` label, used as a category (no weekend gaps). */
export interface Candle {
  readonly date: string;
  readonly o: number;
  readonly h: number;
  readonly l: number;
  readonly c: number;
}

/** A named line drawn over the candles, e.g. SMA200 or a Donchian band. */
export interface Overlay {
  readonly name: string;
  /** Same length as `bars`; gaps allowed. */
  readonly values: SeriesValues;
  /** CSS colour; a palette colour is picked when omitted. */
  readonly color?: string;
  readonly dashed?: boolean;
}

/** What a horizontal price level means; picks the default colour and label. */
export type LevelRole = 'entry' | 'stop' | 'target' | 'other';

/** A horizontal line across the price panel with a label at its left end. */
export interface PriceLevel {
  readonly role: LevelRole;
  readonly price: number;
  /** Defaults to e.g. "Stop 95.20". */
  readonly label?: string;
  readonly color?: string;
}

/** Daily candles with optional indicator overlays and trade levels. */
export interface CandleChartSpec extends ChartFrame {
  readonly kind: 'candles';
  /** Oldest first; ~120 bars reads well on a phone. */
  readonly bars: readonly Candle[];
  readonly overlays?: readonly Overlay[];
  readonly levels?: readonly PriceLevel[];
  /**
   * Index into `bars` of the candle that gave the signal (a pick card's is the
   * last): shaded and labelled "Signal". Ignored unless an index of `bars`.
   */
  readonly signalIndex?: number;
}

/** One line of a line chart. */
export interface LineSeries {
  readonly name: string;
  /** Same length as the chart's `labels`; gaps allowed. */
  readonly values: SeriesValues;
  readonly color?: string;
  /** Shade the area between the line and zero (used for drawdown). */
  readonly fill?: boolean;
  readonly dashed?: boolean;
}

/** A smaller panel stacked under the main one, sharing the x axis (e.g. drawdown under equity). */
export interface LinePanel {
  /** Axis title, e.g. "Drawdown %". */
  readonly label?: string;
  readonly series: readonly LineSeries[];
}

/** Lines over a shared category x axis, optionally with a second panel underneath. */
export interface LineChartSpec extends ChartFrame {
  readonly kind: 'line';
  /** x-axis labels, usually ISO dates. */
  readonly labels: readonly string[];
  readonly series: readonly LineSeries[];
  /** Axis title of the main panel, e.g. "Equity $". */
  readonly yLabel?: string;
  readonly lowerPanel?: LinePanel;
}

/** Signed values as bars: positive green, negative red (P&L by position, monthly returns). */
export interface BarChartSpec extends ChartFrame {
  readonly kind: 'bars';
  readonly labels: readonly string[];
  readonly values: readonly number[];
  /** Axis title for the values, e.g. "P&L $". */
  readonly valueLabel?: string;
  /** Bars grow sideways; easier to read with many long labels (e.g. one bar per position). */
  readonly horizontal?: boolean;
}

/** Everything the bot can draw. */
export type ChartSpec = CandleChartSpec | LineChartSpec | BarChartSpec;

export const DEFAULT_WIDTH = 900;
export const DEFAULT_HEIGHT = 500;
export const DEFAULT_DEVICE_SCALE_FACTOR = 1;

/**
 * Turns a {@link ChartSpec} into PNG bytes.
 *
 * Implementations validate the spec and throw `ChartSpecError` for bad input
 * and `ChartRenderError` (or a subclass) when the backend fails.
 */
export interface ChartRenderer {
  /** Short backend name for logs, e.g. "local" or "quickchart". */
  readonly name: string;
  render(spec: ChartSpec): Promise<Buffer>;
}

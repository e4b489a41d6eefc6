import type { NotifyOp } from '../../jobs/payloads/common.js';
import type { ChartRenderer } from '../../adapters/charts/port.js';
import type { Notice } from '../../trading/notifier.js';
import type { MarketHours } from '../../engine/market-hours.js';

/** What a renderer may use besides the notice itself. */
export interface RenderContext {
  charts: ChartRenderer;
  /** Stores a PNG for the outbox and returns a photo op for it. */
  photoOp(png: Buffer, caption?: import('../format/message.js').Formatted | string, keyboard?: import('../format/message.js').Keyboard, ref?: string): Promise<NotifyOp>;
  /** HMAC key for signed inline-button data. */
  callbackKey: Buffer;
  /** The clock buttons' expiry and "now" lines are computed from. */
  now(): number;
  log: { warn(obj: object, msg: string): void };
  /** The market's hours (MARKET_HOURS): cards posted outside the session offer ⏰ Queue for the open. Without them, no offer. */
  hours?: MarketHours;
}

/** One notice as chat operations, and why it exists (for logs and metrics). */
export interface Rendered {
  ops: NotifyOp[];
  origin: string;
}

/** For each kind of a notice union, the function that renders it for chat. */
export type RendererTable<N extends Notice> = { [K in N['kind']]: (notice: Extract<N, { kind: K }>, ctx: RenderContext) => Promise<Rendered> };

import type { ChartRenderer } from '../../adapters/charts/port.js';
import type { Notice, Notifier, PublishOptions } from '../../trading/notifier.js';
import { renderNotice } from '../render/index.js';
import type { RenderContext } from '../render/types.js';
import type { Outbox } from './outbox.js';
import type { MarketHours } from '../../engine/market-hours.js';

/** What the chat publisher needs to turn notices into messages. */
export interface ChatPublisherDeps {
  outbox: Pick<Outbox, 'deliver' | 'photoOp'>;
  charts: ChartRenderer;
  callbackKey: Buffer;
  now?: () => number;
  /** The market's hours, for the queue offer on cards posted outside the session. */
  hours?: MarketHours;
  log: { warn(obj: object, msg: string): void };
}

/**
 * The bot's implementation of the Notifier port: renders each typed notice
 * as chat operations (text, chart photos, buttons) and hands them to the
 * paced outbox in one notify job, keyed by the publish key so a retried
 * producer never messages twice.
 */
export class ChatPublisher implements Notifier {
  private readonly ctx: RenderContext;

  constructor(private readonly deps: ChatPublisherDeps) {
    this.ctx = {
      charts: deps.charts,
      photoOp: (png, caption, keyboard, ref) => deps.outbox.photoOp(png, caption, keyboard, ref),
      callbackKey: deps.callbackKey,
      now: deps.now ?? (() => Date.now()),
      log: deps.log,
      ...(deps.hours ? { hours: deps.hours } : {}),
    };
  }

  async publish(chatId: number, notice: Notice, opts: PublishOptions = {}): Promise<void> {
    const { ops, origin } = await renderNotice(notice, this.ctx);
    if (ops.length === 0) return;
    await this.deps.outbox.deliver(chatId, ops, origin, opts.key, opts.delayMs, opts.silent);
  }
}

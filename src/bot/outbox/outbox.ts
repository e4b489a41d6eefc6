import type { JobProducer } from '../../jobs/producer.js';
import type { NotifyOp } from '../../jobs/payloads/common.js';
import type { BlobStorePort } from '../../adapters/redis/port.js';
import { asFormatted, type Formatted, type Keyboard } from '../format/message.js';

/**
 * The chat outbox: every message to a chat goes through the notify queue,
 * which paces per chat, honours 429s, splits long
 * messages and falls back to plain text.
 */
export class Outbox {
  constructor(
    private readonly producer: JobProducer,
    private readonly blobs: BlobStorePort,
  ) {}

  /**
   * Enqueues ops for one chat. Pass `jobId` (derived from the job that
   * produced the message) so a retried producer job does not message twice.
   */
  async deliver(chatId: number, ops: NotifyOp[], origin: string, jobId?: string, delayMs?: number, silent?: boolean): Promise<void> {
    await this.producer.add('notify.deliver', { chatId, ops, origin, ...(silent ? { silent: true } : {}) }, { ...(jobId ? { jobId } : {}), ...(delayMs ? { delay: delayMs } : {}) });
  }

  /** `silent` sends without a sound (Telegram disable_notification). */
  async text(chatId: number, msg: string | Formatted, opts: { origin: string; keyboard?: Keyboard; jobId?: string; silent?: boolean }): Promise<void> {
    const f = asFormatted(msg);
    await this.deliver(chatId, [{ kind: 'text', ...f, ...(opts.keyboard ? { keyboard: opts.keyboard } : {}) }], opts.origin, opts.jobId, undefined, opts.silent);
  }

  /** Op that replaces a photo message's caption; pass `keyboard: []` to remove its buttons. */
  editCaptionOp(messageId: number, caption: string | Formatted, keyboard?: Keyboard): NotifyOp {
    const c = asFormatted(caption);
    return { kind: 'editCaption', messageId, caption: c.text, ...(c.entities ? { captionEntities: c.entities } : {}), ...(keyboard ? { keyboard } : {}) };
  }

  async edit(chatId: number, messageId: number, msg: string | Formatted, opts: { origin: string; keyboard?: Keyboard; jobId?: string }): Promise<void> {
    const f = asFormatted(msg);
    await this.deliver(chatId, [{ kind: 'edit', messageId, ...f, ...(opts.keyboard ? { keyboard: opts.keyboard } : {}) }], opts.origin, opts.jobId);
  }

  /** Stores the PNG in the blob store and enqueues a photo op. */
  async photoOp(png: Buffer, caption?: string | Formatted, keyboard?: Keyboard, ref?: string): Promise<NotifyOp> {
    const blobKey = await this.blobs.put(png);
    const c = caption === undefined ? undefined : asFormatted(caption);
    return {
      kind: 'photo',
      blobKey,
      ...(c ? { caption: c.text, ...(c.entities ? { captionEntities: c.entities } : {}) } : {}),
      ...(keyboard ? { keyboard } : {}),
      ...(ref ? { ref } : {}),
    };
  }
}

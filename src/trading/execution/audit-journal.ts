import { errText } from '../../lib/errors.js';

/** Where audit rows go (the audit chain, `AuditLog.append`). */
export interface AuditSink {
  append(e: { action: string; actor: string | number; [k: string]: unknown }): Promise<number>;
}

/**
 * The audit rows of one order run, in the order they happened. Rows queued
 * with {@link soon} are appended together by the next {@link flush} (one
 * group commit of the chain instead of one transaction each — the approve
 * path's latency depends on it); {@link now} appends at once, after any
 * queued rows. A failed append is logged and never thrown: the trade already
 * happened (or not), and an audit problem must not change that.
 */
export class AuditJournal {
  private pending: { action: string; detail: Record<string, unknown> }[] = [];

  /**
   * @param base fields every row of this run carries (e.g. `{ approvalId }`).
   */
  constructor(
    private readonly sink: AuditSink,
    private readonly actor: string,
    private readonly base: Record<string, unknown>,
    private readonly onError: (action: string, err: string) => void,
  ) {}

  /** Queues a row for the next {@link flush}. */
  soon(action: string, detail: Record<string, unknown>): void {
    this.pending.push({ action, detail });
  }

  /** Appends every queued row (they share one group commit). */
  async flush(): Promise<void> {
    const queued = this.pending;
    this.pending = [];
    await Promise.all(queued.map((e) => this.append(e.action, e.detail)));
  }

  /** Appends a row now, after any queued ones (the chain keeps the order they happened in). */
  async now(action: string, detail: Record<string, unknown>): Promise<void> {
    this.soon(action, detail);
    await this.flush();
  }

  private async append(action: string, detail: Record<string, unknown>): Promise<void> {
    try {
      await this.sink.append({ action, actor: this.actor, ...this.base, ...detail });
    } catch (e) {
      this.onError(action, errText(e));
    }
  }
}

import type { Redis } from 'ioredis';
import type { Alerts } from '../../trading/alerts/alerts.js';

/** How long messages to a chat may keep failing before admins are alerted. */
export const DELIVERY_ALERT_AFTER_MS = 10 * 60_000;

/** One alert per chat whose messages do not go through. */
export const deliveryAlertKey = (chatId: number) => `delivery.failing:${chatId}`;

/**
 * Watches the notify worker's Bot API calls per chat: the first failure
 * (a 429, a transient error, a refusal) starts a clock in Redis, shared by
 * every worker; a failure 10 minutes or more after it, with no success in
 * between, alerts admins once (the alert's own de-duplication); the next
 * success stops the clock and resolves the alert. Best effort: a Redis or
 * Postgres hiccup here never fails a delivery.
 */
export class DeliveryFailures {
  constructor(
    private readonly redis: Pick<Redis, 'set' | 'get' | 'del'>,
    private readonly prefix: string,
    private readonly alerts: Pick<Alerts, 'raise' | 'resolve'>,
    private readonly opts: { alertAfterMs?: number; now?: () => number } = {},
  ) {}

  private key(chatId: number): string {
    return `${this.prefix}:notify:failing:${chatId}`;
  }

  /** A call to `chatId` failed with `error`. */
  async failed(chatId: number, error: string): Promise<void> {
    const now = (this.opts.now ?? Date.now)();
    await this.redis.set(this.key(chatId), String(now), 'EX', 7 * 24 * 3600, 'NX');
    const first = Number(await this.redis.get(this.key(chatId)));
    if (!Number.isFinite(first) || now - first < (this.opts.alertAfterMs ?? DELIVERY_ALERT_AFTER_MS)) return;
    await this.alerts.raise({
      key: deliveryAlertKey(chatId),
      kind: 'delivery-failing',
      severity: 'warning',
      detail: { code: 'delivery.failing', chatId, since: new Date(first).toISOString(), failingMs: now - first, lastError: error.slice(0, 300) },
    });
  }

  /** A call to `chatId` went through. */
  async delivered(chatId: number): Promise<void> {
    if ((await this.redis.del(this.key(chatId))) === 0) return;
    await this.alerts.resolve(deliveryAlertKey(chatId), { code: 'delivery.recovered', chatId });
  }
}

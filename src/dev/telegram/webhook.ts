import http from 'node:http';
import https from 'node:https';
import type { EmulatorLogger } from './logger.js';
import type { UpdateQueue } from './update-queue.js';
import type { Update, WebhookInfo } from './types.js';

/** A webhook as configured by setWebhook. */
export interface WebhookConfig {
  url: string;
  secretToken: string | undefined;
  maxConnections: number;
}

/** Delivery tuning; retries are few and fast because this serves tests. */
export interface WebhookOptions {
  /** Extra attempts after a failed delivery before the update is dropped (default 3). */
  retries: number;
  /** Delay before the first retry, doubled for each next one (default 100 ms). */
  retryDelayMs: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs: number;
}

/**
 * Executes a method a webhook answered with (`{"method": "...", ...}` in the response body),
 * which the real API performs on the bot's behalf. Telegraf relies on it for
 * answerCallbackQuery, sendChatAction, deleteMessage and a few others.
 */
export type WebhookReplyExecutor = (method: string, payload: Record<string, unknown>) => Promise<void>;

/**
 * POSTs updates to the bot's webhook. Like the real server, updates of one chat are delivered
 * one at a time and in order, while different chats proceed in parallel up to max_connections.
 * A non-2xx answer or network error is retried with exponential backoff, then the update is
 * dropped and the error shows up in getWebhookInfo.
 */
export class WebhookDeliverer {
  private config: WebhookConfig | undefined;
  /** Bumped on every set/clear so callbacks from an older configuration are ignored. */
  private generation = 0;
  private lanes = new Map<string, Update[]>();
  private ready: string[] = [];
  private busy = new Set<string>();
  private pending = 0;
  private timers = new Set<NodeJS.Timeout>();
  private lastError: { date: number; message: string } | undefined;
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly secureAgent = new https.Agent({ keepAlive: true });
  private closed = false;
  /** Updates the webhook answered (or that were given up on), newest last; bounded. */
  private done = new Set<number>();

  constructor(
    private readonly queue: UpdateQueue,
    private readonly options: WebhookOptions,
    private readonly executeReply: WebhookReplyExecutor,
    private readonly logger?: EmulatorLogger,
  ) {
    queue.onPush = () => this.pump();
  }

  get active(): boolean {
    return this.config !== undefined;
  }

  get url(): string | undefined {
    return this.config?.url;
  }

  /** Same URL, secret and connection limit as the current webhook. */
  isSame(config: WebhookConfig): boolean {
    const c = this.config;
    return !!c && c.url === config.url && c.secretToken === config.secretToken && c.maxConnections === config.maxConnections;
  }

  /** Starts delivering to a new webhook (pending updates included). */
  set(config: WebhookConfig): void {
    this.returnUndelivered();
    this.generation++;
    this.config = config;
    this.lastError = undefined;
    this.pump();
  }

  /** Stops webhook delivery; undelivered updates go back to the getUpdates queue. */
  clear(): void {
    this.returnUndelivered();
    this.generation++;
    this.config = undefined;
    this.lastError = undefined;
  }

  /** Drops updates waiting for delivery (drop_pending_updates). */
  dropPending(): void {
    for (const lane of this.lanes.values()) this.pending -= lane.length;
    this.lanes.clear();
    this.ready = [];
  }

  info(): WebhookInfo {
    const c = this.config;
    const pending = this.queue.size + this.pending;
    if (!c) return { url: '', has_custom_certificate: false, pending_update_count: pending };
    const allowed = this.queue.allowedUpdates;
    return {
      url: c.url,
      has_custom_certificate: false,
      pending_update_count: pending,
      max_connections: c.maxConnections,
      ...(allowed ? { allowed_updates: allowed } : {}),
      ...(this.lastError ? { last_error_date: this.lastError.date, last_error_message: this.lastError.message } : {}),
    };
  }

  close(): void {
    this.closed = true;
    this.config = undefined;
    this.generation++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.agent.destroy();
    this.secureAgent.destroy();
  }

  private returnUndelivered(): void {
    const undelivered: Update[] = [];
    for (const lane of this.lanes.values()) undelivered.push(...lane);
    this.pending -= undelivered.length;
    this.lanes.clear();
    this.ready = [];
    this.queue.restore(undelivered);
  }

  /** Moves queued updates into per-chat lanes and starts deliveries while slots are free. */
  private pump(): void {
    const config = this.config;
    if (!config || this.closed) return;
    for (const update of this.queue.takeAll()) {
      const key = laneKey(update);
      let lane = this.lanes.get(key);
      if (!lane) {
        this.lanes.set(key, (lane = []));
        if (!this.busy.has(key)) this.ready.push(key);
      }
      lane.push(update);
      this.pending++;
    }
    while (this.busy.size < config.maxConnections && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const lane = this.lanes.get(key);
      const update = lane?.shift();
      if (!lane || !update) continue;
      if (lane.length === 0) this.lanes.delete(key);
      this.busy.add(key);
      void this.deliver(key, update, config, this.generation, 0);
    }
  }

  private async deliver(key: string, update: Update, config: WebhookConfig, generation: number, attempt: number): Promise<void> {
    let error: string | undefined;
    try {
      const reply = await this.post(config, update);
      if (reply) await this.runReply(reply);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    if (generation !== this.generation || this.closed) {
      this.finish(key);
      return;
    }
    if (error !== undefined) {
      this.lastError = { date: Math.floor(Date.now() / 1000), message: error };
      this.logger?.warn({ update_id: update.update_id, attempt, error }, 'telegram emulator: webhook delivery failed');
      if (attempt < this.options.retries) {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (generation !== this.generation || this.closed) {
            this.finish(key);
            return;
          }
          void this.deliver(key, update, config, generation, attempt + 1);
        }, this.options.retryDelayMs * 2 ** attempt);
        this.timers.add(timer);
        return;
      }
    }
    this.markDone(update.update_id);
    this.finish(key);
  }

  /** True once the webhook answered `updateId` (the bot handled it) or its delivery was given up. */
  delivered(updateId: number): boolean {
    return this.done.has(updateId);
  }

  private markDone(updateId: number): void {
    this.done.add(updateId);
    if (this.done.size > 10_000) this.done.delete(this.done.values().next().value!);
  }

  /** Frees the lane's delivery slot and lets its next update (if any) go. */
  private finish(key: string): void {
    this.pending--;
    this.busy.delete(key);
    if (this.lanes.has(key)) this.ready.push(key);
    this.pump();
  }

  /** One POST; resolves with the response body when it is a JSON method call, rejects on failure. */
  private post(config: WebhookConfig, update: Update): Promise<Record<string, unknown> | undefined> {
    const body = Buffer.from(JSON.stringify(update));
    const url = new URL(config.url);
    const secure = url.protocol === 'https:';
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-length': body.length,
    };
    if (config.secretToken) headers['x-telegram-bot-api-secret-token'] = config.secretToken;
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(url, {
        method: 'POST',
        headers,
        agent: secure ? this.secureAgent : this.agent,
        timeout: this.options.timeoutMs,
      });
      req.on('timeout', () => req.destroy(new Error('Timeout expired')));
      req.on('error', (err) => reject(new Error(`Connection failed: ${err.message}`)));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status > 299) {
            reject(new Error(`Wrong response from the webhook: ${status} ${res.statusMessage ?? ''}`.trim()));
            return;
          }
          resolve(parseReply(res.headers['content-type'], Buffer.concat(chunks)));
        });
      });
      req.end(body);
    });
  }

  private async runReply(reply: Record<string, unknown>): Promise<void> {
    const { method, ...payload } = reply;
    if (typeof method !== 'string') return;
    try {
      await this.executeReply(method, payload);
    } catch (err) {
      // The real API gives the bot no feedback on a failed webhook reply either.
      this.logger?.debug({ method, err: err instanceof Error ? err.message : String(err) }, 'telegram emulator: webhook reply failed');
    }
  }
}

function parseReply(contentType: string | undefined, body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0 || !contentType?.toLowerCase().includes('application/json')) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Updates of the same chat share a lane so they arrive in order. */
function laneKey(update: Update): string {
  const u = update as Record<string, unknown>;
  for (const value of Object.values(u)) {
    if (value === null || typeof value !== 'object') continue;
    const v = value as { chat?: { id?: unknown }; message?: { chat?: { id?: unknown } }; from?: { id?: unknown } };
    const id = v.chat?.id ?? v.message?.chat?.id ?? v.from?.id;
    if (typeof id === 'number') return `chat:${id}`;
  }
  return 'global';
}

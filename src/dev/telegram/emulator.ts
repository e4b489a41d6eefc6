import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotApi } from './bot-api.js';
import { handleControlRequest } from './control-http.js';
import {
  UserSimulator,
  type PressButtonInput,
  type PressButtonResult,
  type SendUserMessageInput,
  type SendUserMessageResult,
} from './control-api.js';
import { EmulatorInputError } from './errors.js';
import { FaultInjector, type FailSpec, type RateLimitSpec } from './faults.js';
import { FileStore } from './files.js';
import type { EmulatorLogger } from './logger.js';
import { ButtonNumbers, type ButtonStanding, type NumberedButton } from './button-numbers.js';
import { Outbox, type EventQuery, type OutboxEvent } from './outbox.js';
import { Params } from './params.js';
import { createEmulatorServer } from './server.js';
import { EmulatorState, type RegisterChatInput } from './state.js';
import type { BotUser, Chat, Message, WebhookInfo } from './types.js';
import { UpdateQueue } from './update-queue.js';
import { WebhookDeliverer, type WebhookOptions } from './webhook.js';

/** Shape of tokens the emulator accepts when no specific token is configured. */
export const TOKEN_PATTERN = /^\d+:[A-Za-z0-9_-]{20,}$/;

/** Options of {@link startTelegramEmulator}. */
export interface TelegramEmulatorOptions {
  /**
   * update_id of the first update (default 1). Real Telegram does not restart
   * at 1; a local instance that restarts should pass something increasing
   * (e.g. the start time) so bots that remember seen update ids do not drop new ones.
   */
  firstUpdateId?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** The bot getMe returns. Defaults: id from the token (or 7000000001), "Courtside", "courtside_bot". */
  bot?: { id?: number; username?: string; first_name?: string };
  /** If set, only this token is accepted; otherwise any token matching {@link TOKEN_PATTERN}. */
  token?: string;
  /** Receives warnings (failed webhook deliveries) and crashes; nothing is logged without it. */
  logger?: EmulatorLogger;
  /** Memory bounds. */
  limits?: Partial<{
    /** Outbox events retained, globally and per chat (default 10,000). */
    maxEvents: number;
    /** Messages retained per chat (default 10,000). */
    maxMessagesPerChat: number;
    /** Unacknowledged updates retained (default 100,000). */
    maxPendingUpdates: number;
    /** How long a callback query stays answerable, ms (default 15 minutes). */
    callbackQueryTtlMs: number;
  }>;
  /** Webhook delivery tuning (retries 3, first retry after 100 ms, 10 s timeout). */
  webhook?: Partial<WebhookOptions>;
}

/** A chat as the emulator currently holds it. */
export interface ChatState {
  chat: Chat;
  /** True when the user blocked the bot (sends fail with 403). */
  blocked: boolean;
  /** Current messages by message_id (text/caption/reply_markup reflect edits; deletions removed). */
  messages: ReadonlyMap<number, Message>;
}

/** A numbered button, its message as it was when it last showed the button, and whether the message still shows it. */
export interface NumberedButtonState extends NumberedButton {
  standing: ButtonStanding;
  message: Message;
}

/** A stored file's bytes and metadata. */
export interface EmulatorFile {
  fileId: string;
  fileUniqueId: string;
  filePath: string;
  mimeType: string;
  fileName?: string;
  width?: number;
  height?: number;
  data: Buffer;
}

/**
 * A running local Telegram Bot API. Point a bot at it with
 * `new Telegraf(emulator.token, { telegram: { apiRoot: emulator.url } })`; drive the user side
 * with {@link sendUserMessage} / {@link pressButton} and observe the bot through
 * {@link events} / {@link waitFor} / {@link chatState}. The same control API is served as JSON
 * under `/_emulator/` for clients in other processes.
 *
 * Create it with {@link startTelegramEmulator}.
 */
export class TelegramEmulator {
  /** Base URL, e.g. http://127.0.0.1:41234 — use as telegraf's `apiRoot`. */
  readonly url: string;
  /** A token this emulator accepts (the configured one, or a default valid one). */
  readonly token: string;
  /** The bot identity getMe returns. */
  readonly bot: BotUser;

  private readonly users: UserSimulator;

  /** @internal Use {@link startTelegramEmulator}. */
  constructor(
    private readonly server: http.Server,
    private readonly parts: {
      state: EmulatorState;
      queue: UpdateQueue;
      outbox: Outbox;
      files: FileStore;
      faults: FaultInjector;
      webhook: WebhookDeliverer;
    },
    token: string,
  ) {
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${host}:${address.port}`;
    this.token = token;
    this.bot = parts.state.bot;
    this.users = new UserSimulator(parts.state, parts.queue);
  }

  /** The port the server listens on. */
  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Sequence number of the newest outbox event (0 before any); a cursor for afterSeq. */
  get lastSeq(): number {
    return this.parts.outbox.lastSeq;
  }

  /**
   * True while a bot is waiting in a getUpdates long poll: a "bot connected" signal for local
   * mode, and a way for tests to know a poll is pending.
   */
  get longPollActive(): boolean {
    return this.parts.queue.longPollActive;
  }

  /** A user sends a text message. HTTP: POST /_emulator/messages. */
  sendUserMessage(input: SendUserMessageInput): SendUserMessageResult {
    return this.users.sendUserMessage(input);
  }

  /**
   * True once the bot is done with update `updateId`: a polling bot asked for
   * the updates after it (telegraf does so only once a batch is handled), or a
   * webhook answered it. HTTP: GET /_emulator/updates/:id.
   */
  updateHandled(updateId: number): boolean {
    return this.parts.queue.acknowledged(updateId) || this.parts.webhook.delivered(updateId);
  }

  /**
   * The button shown with `number` in a chat (see ButtonNumbers), its message
   * as it was when it showed the button, and whether the message still shows it. Undefined when no button had that number. HTTP: GET /_emulator/buttons?chat_id=&number=.
   */
  numberedButton(chatId: number, number: number): NumberedButtonState | undefined {
    const found = this.parts.outbox.buttonNumbers.lookup(chatId, number);
    return found && this.withStanding(chatId, found);
  }

  /** Every numbered button of a chat with its standing, newest first. HTTP: GET /_emulator/buttons?chat_id=. */
  numberedButtons(chatId: number): NumberedButtonState[] {
    return this.parts.outbox.buttonNumbers.all(chatId).map((found) => this.withStanding(chatId, found));
  }

  private withStanding(chatId: number, found: { button: NumberedButton; message: Message }): NumberedButtonState {
    const current = this.parts.state.chats.get(chatId)?.messages.get(found.button.message_id);
    return { ...found.button, standing: ButtonNumbers.standing(found.button, current), message: found.message };
  }

  /** A user presses an inline button. HTTP: POST /_emulator/callbacks. */
  pressButton(input: PressButtonInput): PressButtonResult {
    return this.users.pressButton(input);
  }

  /** Queues any update as-is (update_id assigned if absent). HTTP: POST /_emulator/updates. */
  injectRawUpdate(update: Record<string, unknown>): { update_id: number } {
    return this.users.injectRawUpdate(update);
  }

  /** Makes a chat known so the bot can write first. HTTP: POST /_emulator/chats. */
  registerChat(input: RegisterChatInput): Chat {
    return this.users.registerChat(input);
  }

  /** Marks a chat's user as having blocked the bot (sends → 403) or unblocks it. */
  blockChat(chatId: number, blocked = true): void {
    const record = this.parts.state.chats.get(chatId);
    if (!record) throw new EmulatorInputError(`chat ${chatId} not found`);
    record.blocked = blocked;
  }

  /**
   * Bot-side events after `afterSeq` (optionally for one chat). With `waitMs`, long-polls until
   * at least one exists or the wait expires. HTTP: GET /_emulator/events?chat_id=&after=&wait=.
   */
  events(query: EventQuery = {}): Promise<OutboxEvent[]> {
    return this.parts.outbox.wait(query);
  }

  /**
   * The first event with seq > `afterSeq` (default 0: any retained event) matching
   * `predicate`, waiting up to `timeoutMs`. Rejects on timeout with the last few events.
   */
  waitFor(predicate: (event: OutboxEvent) => boolean, timeoutMs = 5000, options: { afterSeq?: number } = {}): Promise<OutboxEvent> {
    return this.parts.outbox.waitFor(predicate, timeoutMs, options.afterSeq ?? 0);
  }

  /** Current state of a chat, or undefined if the chat is unknown. HTTP: GET /_emulator/chats/:id. */
  chatState(chatId: number): ChatState | undefined {
    const record = this.parts.state.chats.get(chatId);
    if (!record) return undefined;
    return { chat: record.chat, blocked: record.blocked, messages: new Map(record.messages) };
  }

  /** A stored file by file_id (photos and documents the bot sent). HTTP: GET /_emulator/files/:id. */
  file(fileId: string): EmulatorFile | undefined {
    const f = this.parts.files.get(fileId);
    if (!f) return undefined;
    return {
      fileId: f.fileId,
      fileUniqueId: f.fileUniqueId,
      filePath: f.filePath,
      mimeType: f.mimeType,
      ...(f.fileName !== undefined ? { fileName: f.fileName } : {}),
      ...(f.width !== undefined ? { width: f.width, height: f.height! } : {}),
      data: f.data,
    };
  }

  /** What getWebhookInfo would answer. */
  webhookInfo(): WebhookInfo {
    return this.parts.webhook.info();
  }

  /**
   * The next `spec.count` (default 1) calls of `method` ("*" for any) fail with this error
   * instead of running. A 429 carries `parameters.retry_after` (default 1).
   */
  failNext(method: string, spec: FailSpec): void {
    this.parts.faults.failNext(method, spec);
  }

  /** The next `count` calls of `method` run, but their responses are sent `ms` late. */
  delayNext(method: string, ms: number, count = 1): void {
    this.parts.faults.delayNext(method, ms, count);
  }

  /** Limits calls per second across the bot (429 with retry_after past it); null removes it. */
  setGlobalRateLimit(spec: RateLimitSpec | null): void {
    this.parts.faults.setGlobalRateLimit(spec);
  }

  /**
   * Forgets chats, messages, pending updates, events, files, commands, faults and the webhook.
   * update_id, message seq numbers keep increasing so a running bot's offset stays valid.
   */
  reset(): void {
    const { state, queue, outbox, files, faults, webhook } = this.parts;
    webhook.dropPending();
    webhook.clear();
    queue.clear();
    queue.setAllowedUpdates([]);
    state.clear();
    outbox.clear();
    files.clear();
    faults.clear();
  }

  /** Stops the server, ends pending long polls and webhook retries. */
  async close(): Promise<void> {
    this.parts.queue.close();
    this.parts.outbox.close();
    this.parts.webhook.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/**
 * Starts a local Telegram Bot API emulator on 127.0.0.1 (random port by default).
 *
 * @example
 * const emulator = await startTelegramEmulator();
 * const bot = new Telegraf(emulator.token, { telegram: { apiRoot: emulator.url } });
 */
export async function startTelegramEmulator(opts: TelegramEmulatorOptions = {}): Promise<TelegramEmulator> {
  const tokenBotId = opts.token ? Number(/^(\d+):/.exec(opts.token)?.[1]) : Number.NaN;
  const botId = opts.bot?.id ?? (Number.isSafeInteger(tokenBotId) ? tokenBotId : 7_000_000_001);
  const bot: BotUser = {
    id: botId,
    is_bot: true,
    first_name: opts.bot?.first_name ?? 'Courtside',
    username: opts.bot?.username ?? 'courtside_bot',
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  };
  const token = opts.token ?? `${botId}:AAEmulatorToken_local-only_000000000`;
  const limits = opts.limits ?? {};

  const state = new EmulatorState(bot, {
    maxMessagesPerChat: limits.maxMessagesPerChat ?? 10_000,
    callbackQueryTtlMs: limits.callbackQueryTtlMs ?? 15 * 60_000,
  });
  const queue = new UpdateQueue(opts.firstUpdateId ?? 1, limits.maxPendingUpdates ?? 100_000);
  const outbox = new Outbox(limits.maxEvents ?? 10_000);
  const files = new FileStore();
  const faults = new FaultInjector();
  let webhook: WebhookDeliverer | undefined;
  const api = new BotApi({ state, queue, outbox, files, faults, webhook: () => webhook!, logger: opts.logger });
  webhook = new WebhookDeliverer(
    queue,
    { retries: 3, retryDelayMs: 100, timeoutMs: 10_000, ...opts.webhook },
    async (method, payload) => {
      const answer = await api.call(method, new Params(payload));
      if (!answer.body.ok) throw new Error(answer.body.description);
    },
    opts.logger,
  );

  let emulator: TelegramEmulator | undefined;
  const server = createEmulatorServer({
    api,
    files,
    acceptsToken: (t) => (opts.token !== undefined ? t === opts.token : TOKEN_PATTERN.test(t)),
    control: (req, res, url) => handleControlRequest(emulator!, req, res, url),
    logger: opts.logger,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  emulator = new TelegramEmulator(server, { state, queue, outbox, files, faults, webhook }, token);
  return emulator;
}

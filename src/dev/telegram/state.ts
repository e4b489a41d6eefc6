import { randomBytes } from 'node:crypto';
import { BotApiError, Descriptions, badRequest } from './errors.js';
import type { BotCommand, BotUser, Chat, ChatType, Message, User } from './types.js';

/** Everything the emulator knows about one chat. */
export interface ChatRecord {
  chat: Chat;
  /** Messages by id in sending order (Map keeps insertion order, so the oldest is first). */
  messages: Map<number, Message>;
  nextMessageId: number;
  /** The user blocked the bot: sends fail with 403. */
  blocked: boolean;
  /** Stable per-chat value sent as callback_query.chat_instance. */
  chatInstance: string;
}

/** A callback query the bot has not answered yet. */
export interface PendingCallbackQuery {
  chatId: number;
  messageId: number;
  createdAt: number;
}

/** Input for registering a chat before any user writes to the bot. */
export interface RegisterChatInput {
  id: number;
  /** Default 'private' for positive ids, 'group' for negative ones. */
  type?: ChatType;
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  /** Title for group chats. */
  title?: string;
}

/** Limits that keep a long-running emulator's memory bounded. */
export interface StateLimits {
  /** Messages kept per chat; older ones are forgotten (editing them then fails as not found). */
  maxMessagesPerChat: number;
  /** How long a callback query can be answered, in ms. */
  callbackQueryTtlMs: number;
}

/**
 * Chats, users, messages, pending callback queries and bot commands: the server-side state the
 * Bot API methods and the control API both work on.
 *
 * Message objects are replaced, never mutated, when edited, so events and callback queries
 * that captured an earlier version keep showing it.
 */
export class EmulatorState {
  readonly chats = new Map<number, ChatRecord>();
  readonly users = new Map<number, User>();
  readonly callbackQueries = new Map<string, PendingCallbackQuery>();
  readonly commands = new Map<string, BotCommand[]>();
  private callbackCounter = 0;
  private readonly callbackPrefix = BigInt(1 + Math.floor(Math.random() * 8)) * 10n ** 18n;

  constructor(
    readonly bot: BotUser,
    private readonly limits: StateLimits,
  ) {}

  /** The bot as the `from` of its own messages. */
  get botAsSender(): User {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  /** Creates or updates a user record from what a client would report. */
  upsertUser(input: { id: number; firstName?: string; lastName?: string; username?: string; languageCode?: string }): User {
    const prev = this.users.get(input.id);
    const user: User = {
      id: input.id,
      is_bot: false,
      first_name: input.firstName ?? prev?.first_name ?? `User ${input.id}`,
    };
    const lastName = input.lastName ?? prev?.last_name;
    const username = input.username ?? prev?.username;
    const languageCode = input.languageCode ?? prev?.language_code;
    if (lastName) user.last_name = lastName;
    if (username) user.username = username;
    if (languageCode) user.language_code = languageCode;
    this.users.set(user.id, user);
    return user;
  }

  /** Registers (or refreshes) a chat so the bot may write to it. */
  registerChat(input: RegisterChatInput): ChatRecord {
    const type = input.type ?? (input.id > 0 ? 'private' : 'group');
    let chat: Chat;
    if (type === 'private') {
      const user = this.upsertUser(input);
      chat = { id: user.id, type, first_name: user.first_name };
      if (user.last_name) chat.last_name = user.last_name;
      if (user.username) chat.username = user.username;
    } else {
      const prev = this.chats.get(input.id)?.chat;
      chat = { id: input.id, type, title: input.title ?? prev?.title ?? `Group ${input.id}` };
      if (input.username) chat.username = input.username;
    }
    const existing = this.chats.get(input.id);
    if (existing) {
      existing.chat = chat;
      return existing;
    }
    const record: ChatRecord = {
      chat,
      messages: new Map(),
      nextMessageId: 1,
      blocked: false,
      chatInstance: BigInt.asIntN(64, BigInt('0x' + randomBytes(8).toString('hex'))).toString(),
    };
    this.chats.set(input.id, record);
    return record;
  }

  /**
   * Resolves a `chat_id` argument for a bot-side call: missing → "chat_id is empty",
   * unknown (including @usernames, which private chats cannot be addressed by) → "chat not
   * found", blocked → 403.
   */
  requireChat(chatId: string | number | undefined): ChatRecord {
    if (chatId === undefined || chatId === '') throw badRequest(Descriptions.chatIdEmpty);
    const id = typeof chatId === 'number' ? chatId : /^\s*-?\d+\s*$/.test(chatId) ? Number(chatId) : Number.NaN;
    const record = Number.isSafeInteger(id) ? this.chats.get(id) : undefined;
    if (!record) throw badRequest(Descriptions.chatNotFound);
    if (record.blocked) throw new BotApiError(403, Descriptions.botBlocked);
    return record;
  }

  /**
   * Appends a message to a chat with the next message_id and the current date, evicting the
   * oldest message past the per-chat cap.
   */
  appendMessage(record: ChatRecord, content: Omit<Message, 'message_id' | 'chat' | 'date'>): Message {
    // Field order follows the real API's JSON (message_id, from, chat, date, content…).
    const { from, ...rest } = content;
    const message: Message = {
      message_id: record.nextMessageId++,
      ...(from ? { from } : {}),
      chat: record.chat,
      date: Math.floor(Date.now() / 1000),
      ...rest,
    };
    record.messages.set(message.message_id, message);
    if (record.messages.size > this.limits.maxMessagesPerChat) {
      const oldest = record.messages.keys().next().value;
      if (oldest !== undefined) record.messages.delete(oldest);
    }
    return message;
  }

  /** Replaces a stored message with its edited version. */
  replaceMessage(record: ChatRecord, message: Message): void {
    record.messages.set(message.message_id, message);
  }

  /** Opens a callback query for a button press and returns its id. */
  openCallbackQuery(chatId: number, messageId: number): string {
    const now = Date.now();
    // Expire from the front: insertion order is creation order, so this stays O(1) amortised.
    for (const [id, q] of this.callbackQueries) {
      if (now - q.createdAt <= this.limits.callbackQueryTtlMs) break;
      this.callbackQueries.delete(id);
    }
    const id = (this.callbackPrefix + BigInt(++this.callbackCounter)).toString();
    this.callbackQueries.set(id, { chatId, messageId, createdAt: now });
    return id;
  }

  /**
   * Consumes a callback query for answerCallbackQuery. Unknown, already answered or expired
   * queries fail like the real API.
   */
  answerCallbackQuery(id: string | undefined): PendingCallbackQuery {
    const q = id === undefined ? undefined : this.callbackQueries.get(id);
    if (!q || Date.now() - q.createdAt > this.limits.callbackQueryTtlMs) throw badRequest(Descriptions.queryTooOld);
    this.callbackQueries.delete(id!);
    return q;
  }

  /** Forgets chats, users, messages, queries and commands. */
  clear(): void {
    this.chats.clear();
    this.users.clear();
    this.callbackQueries.clear();
    this.commands.clear();
  }
}

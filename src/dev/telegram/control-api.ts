import { EmulatorInputError } from './errors.js';
import { formatUserText } from './formatting/index.js';
import type { ChatRecord, EmulatorState, RegisterChatInput } from './state.js';
import type { UpdateQueue } from './update-queue.js';
import type { CallbackQuery, Chat, Message, Update, User } from './types.js';

/** A user typing a message to the bot. */
export interface SendUserMessageInput {
  userId: number;
  text: string;
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  /** Default: the user's private chat with the bot (chat id = user id). */
  chatId?: number;
  /** Makes the message a reply to this message of the same chat. */
  replyToMessageId?: number;
}

export interface SendUserMessageResult {
  update_id: number;
  message_id: number;
}

/** A user pressing an inline button. */
export interface PressButtonInput {
  userId: number;
  /** Default: the user's private chat. */
  chatId?: number;
  messageId: number;
  data: string;
  firstName?: string;
  username?: string;
  /**
   * Press even if the message has no button with this callback_data (a real client cannot;
   * useful for stale-button and garbage tests). Default false: a typo in a test fails loudly.
   */
  allowUnknownData?: boolean;
}

export interface PressButtonResult {
  update_id: number;
  callback_query_id: string;
}

const isPositiveInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * The user side of the emulated Telegram: turns simulated user actions into real-shaped
 * Updates on the bot's queue. Errors here are EmulatorInputError (the caller's mistake).
 */
export class UserSimulator {
  constructor(
    private readonly state: EmulatorState,
    private readonly queue: UpdateQueue,
  ) {}

  /** Registers a chat (and for private chats its user) so the bot may write first. */
  registerChat(input: RegisterChatInput): Chat {
    if (!Number.isSafeInteger(input.id) || input.id === 0) throw new EmulatorInputError('chat id must be a non-zero integer');
    if ((input.type ?? (input.id > 0 ? 'private' : 'group')) === 'private' && input.id < 0) {
      throw new EmulatorInputError('private chat ids are positive (they equal the user id)');
    }
    return this.state.registerChat(input).chat;
  }

  /**
   * Delivers a text message from a user. Leading `/command` and `/command@bot` get
   * bot_command entities, like every other auto-detected entity, as the real server does.
   */
  sendUserMessage(input: SendUserMessageInput): SendUserMessageResult {
    if (!isPositiveInt(input.userId)) throw new EmulatorInputError('userId must be a positive integer');
    if (typeof input.text !== 'string') throw new EmulatorInputError('text must be a string');
    const formatted = formatUserText(input.text);
    if (formatted.text.length === 0) throw new EmulatorInputError('text must not be empty');
    const user = this.state.upsertUser({ ...input, id: input.userId });
    const chat = this.chatFor(user, input.chatId);
    chat.blocked = false; // writing to the bot implies the user has not blocked it
    let replyTo: Message | undefined;
    if (input.replyToMessageId !== undefined) {
      const target = chat.messages.get(input.replyToMessageId);
      if (!target) throw new EmulatorInputError(`message ${input.replyToMessageId} not found in chat ${chat.chat.id}`);
      const { reply_to_message: _nested, ...flat } = target;
      replyTo = flat;
    }
    const message = this.state.appendMessage(chat, {
      from: user,
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      text: formatted.text,
      ...(formatted.entities.length > 0 ? { entities: formatted.entities } : {}),
    });
    const update = this.queue.push({ message });
    return { update_id: update?.update_id ?? this.queue.peekNextId - 1, message_id: message.message_id };
  }

  /** Presses an inline button of a message, producing a callback_query update. */
  pressButton(input: PressButtonInput): PressButtonResult {
    if (!isPositiveInt(input.userId)) throw new EmulatorInputError('userId must be a positive integer');
    if (typeof input.data !== 'string') throw new EmulatorInputError('data must be a string');
    const chatId = input.chatId ?? input.userId;
    const chat = this.state.chats.get(chatId);
    if (!chat) throw new EmulatorInputError(`chat ${chatId} not found`);
    const message = chat.messages.get(input.messageId);
    if (!message) throw new EmulatorInputError(`message ${input.messageId} not found in chat ${chatId}`);
    if (!input.allowUnknownData) {
      const buttons = message.reply_markup?.inline_keyboard.flat() ?? [];
      if (!buttons.some((b) => b.callback_data === input.data)) {
        const available = buttons.flatMap((b) => (b.callback_data !== undefined ? [b.callback_data] : []));
        throw new EmulatorInputError(
          `message ${input.messageId} has no button with callback_data ${JSON.stringify(input.data)}; available: ${JSON.stringify(available)}`,
        );
      }
    }
    const from: User = this.state.upsertUser({ id: input.userId, firstName: input.firstName, username: input.username });
    const id = this.state.openCallbackQuery(chatId, message.message_id);
    const callbackQuery: CallbackQuery = {
      id,
      from,
      message,
      chat_instance: chat.chatInstance,
      data: input.data,
    };
    const update = this.queue.push({ callback_query: callbackQuery });
    return { update_id: update?.update_id ?? this.queue.peekNextId - 1, callback_query_id: id };
  }

  /**
   * Queues an arbitrary update, for garbage and edge-case tests. update_id is assigned when
   * missing; a given one must not be lower than the next id.
   */
  injectRawUpdate(update: Record<string, unknown>): { update_id: number } {
    if (update === null || typeof update !== 'object' || Array.isArray(update)) {
      throw new EmulatorInputError('update must be a JSON object');
    }
    const { update_id, ...payload } = update;
    if (update_id !== undefined && (!Number.isSafeInteger(update_id) || (update_id as number) < this.queue.peekNextId)) {
      throw new EmulatorInputError(`update_id must be an integer >= ${this.queue.peekNextId}`);
    }
    const pushed = this.queue.push({ ...payload, ...(update_id !== undefined ? { update_id: update_id as number } : {}) } as Update);
    return { update_id: pushed?.update_id ?? this.queue.peekNextId - 1 };
  }

  private chatFor(user: User, chatId: number | undefined): ChatRecord {
    if (chatId === undefined || chatId === user.id) {
      return this.state.registerChat({
        id: user.id,
        type: 'private',
        firstName: user.first_name,
        lastName: user.last_name,
        username: user.username,
      });
    }
    if (!Number.isSafeInteger(chatId) || chatId >= 0) {
      throw new EmulatorInputError('chatId must be the user id (private chat) or a negative group id');
    }
    return this.state.chats.get(chatId) ?? this.state.registerChat({ id: chatId, type: 'group' });
  }
}
